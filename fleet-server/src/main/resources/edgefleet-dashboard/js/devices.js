// The device list: filters (label selector, online, model) applied by the server, and paging.
import { get } from './api.js';
import { badge, el, fill, labels, message, table, throttle, when } from './dom.js';
import { onLive } from './live.js';

const PAGE_SIZE = 25;
const FILTERS = ['selector', 'online', 'model'];
// Cursors of the pages before the current one, for "previous"; reset when the filters change.
let back = [];
let backFilters = '';

export async function render(main, args, query) {
  const filters = Object.fromEntries(FILTERS.map(f => [f, query.get(f) || '']));
  const key = JSON.stringify(filters);
  if (key !== backFilters) { back = []; backFilters = key; }
  const cursor = query.get('cursor') || '';
  const body = el('div');
  fill(main, el('h1', {}, 'Devices'), form(filters), body);
  const refresh = async () => {
    const params = new URLSearchParams({ limit: PAGE_SIZE });
    for (const f of FILTERS) if (filters[f]) params.set(f, filters[f]);
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await get('/api/v1/devices?' + params);
      fill(body, list(page.devices), pager(filters, cursor, page.next));
    } catch (e) {
      fill(body, message('error', String(e)));
    }
  };
  await refresh();
  return onLive(throttle(refresh, 800));
}

function form(f) {
  const submit = e => {
    e.preventDefault();
    const data = new FormData(e.target);
    const q = new URLSearchParams();
    for (const name of FILTERS) if (data.get(name)) q.set(name, data.get(name));
    location.hash = '#/devices' + (q.toString() ? '?' + q : '');
  };
  return el('form', { class: 'filters', id: 'device-filters', onsubmit: submit },
    el('label', {}, 'Labels', el('input', { name: 'selector', value: f.selector, placeholder: 'hw=rpi4,region=eu' })),
    el('label', {}, 'Online', el('select', { name: 'online' },
      ['', 'true', 'false'].map(v => el('option', { value: v, selected: f.online === v }, v === '' ? 'any' : v === 'true' ? 'online' : 'offline')))),
    el('label', {}, 'Model', el('input', { name: 'model', value: f.model, placeholder: 'motor-anomaly' })),
    el('button', { type: 'submit' }, 'Filter'));
}

function list(devices) {
  if (devices.length === 0) return el('p', { class: 'muted', id: 'no-devices' }, 'No device matches these filters.');
  return table(['device', 'online', 'labels', 'models', 'agent', 'last seen'], devices.map(d => [
    el('a', { href: '#/devices/' + encodeURIComponent(d.id), class: 'device-link' }, d.id),
    badge(d.online ? 'online' : 'offline'),
    labels(d.labels),
    d.models.length ? d.models.map(m => el('div', {}, m.name + (m.activeVersion != null ? ' v' + m.activeVersion : ''), ' ', badge(m.state))) : '—',
    d.agentVersion || '—',
    when(d.lastSeen),
  ]), { id: 'device-table', class: 'cardify' });
}

function pager(filters, cursor, next) {
  const link = c => {
    const q = new URLSearchParams();
    for (const f of FILTERS) if (filters[f]) q.set(f, filters[f]);
    if (c) q.set('cursor', c);
    return '#/devices' + (q.toString() ? '?' + q : '');
  };
  return el('nav', { class: 'pager' },
    cursor ? el('a', { href: link(back[back.length - 1] || ''), onclick: () => back.pop() }, '← previous') : null,
    next ? el('a', { href: link(next), id: 'next-page', onclick: () => back.push(cursor) }, 'next →') : null);
}
