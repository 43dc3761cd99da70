// The audit log: every changing request, newest first, by whom and how it ended; filtered by actor.
import { get } from './api.js';
import { badge, el, fill, message, table, when } from './dom.js';

export async function render(main, args, query) {
  const actor = query.get('actor') || '';
  const body = el('div');
  const input = el('input', { name: 'actor', value: actor, placeholder: 'token:ci-deploy', 'aria-label': 'actor' });
  const form = el('form', { id: 'audit-filter', class: 'inline', onsubmit: e => {
    e.preventDefault();
    location.hash = '#/audit' + (input.value.trim() ? '?actor=' + encodeURIComponent(input.value.trim()) : '');
  } }, el('label', {}, 'Actor ', input), el('button', { type: 'submit' }, 'Filter'));
  fill(main, el('h1', {}, 'Audit log'),
    el('p', { class: 'muted' }, 'Every changing request, allowed or refused: who sent it, what it asked, when, and the answer.'),
    form, body);
  const rows = [];
  const more = async cursor => {
    const params = new URLSearchParams({ limit: '50' });
    if (actor) params.set('actor', actor);
    if (cursor) params.set('cursor', cursor);
    const page = await get('/api/v1/audit?' + params);
    rows.push(...page.entries.map(e => [when(e.at), el('code', {}, e.actor), e.role || '—', el('code', {}, e.route),
      e.target || '—', badge(String(e.status), e.status >= 400 || e.status === 0 ? 'failed' : 'ok'), e.error || '—']));
    fill(body, rows.length ? table(['When', 'Actor', 'Role', 'Route', 'Target', 'Status', 'Error'], rows, { id: 'audit-table' })
      : message('info', 'No entries' + (actor ? ' by ' + actor : '') + '.'),
    page.next ? el('button', { id: 'audit-older', type: 'button', onclick: () => more(page.next).catch(err =>
      body.append(message('error', String(err)))) }, 'Older') : null);
  };
  await more(null);
}
