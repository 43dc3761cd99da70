// One device: labels, what it can run, each model's slots and state, its desired state, and the
// changes the live stream reports while the page is open.
import { get } from './api.js';
import { badge, bytes, el, fact, fill, labels, message, table, throttle, when } from './dom.js';
import { onLive } from './live.js';

const MAX_SEEN = 50;

export async function render(main, [id]) {
  const body = el('div');
  const seen = [];
  const events = el('ol', { class: 'events', id: 'device-events' });
  fill(main, el('h1', {}, 'Device ', el('code', {}, id)), body,
    el('section', {}, el('h2', {}, 'Live changes'), el('p', { class: 'muted' }, 'What the server heard from this device since this page opened.'), events));
  const refresh = async () => {
    try {
      fill(body, ...view(await get('/api/v1/devices/' + encodeURIComponent(id))));
    } catch (e) {
      fill(body, message('error', String(e)));
    }
  };
  await refresh();
  const later = throttle(refresh, 500);
  return onLive((kind, data) => {
    if (kind === 'device' && data.id !== id) return;
    if (kind === 'device') {
      seen.unshift(el('li', {}, when(new Date().toISOString()), ' ', data.change,
        data.model ? ` ${data.model} v${data.version}: ${data.state}` : ''));
      fill(events, seen.slice(0, MAX_SEEN));
    }
    if (kind !== 'rollout') later();
  });
}

function view(d) {
  const c = d.capabilities;
  return [
    el('section', { class: 'facts' },
      fact('Online', badge(d.online ? 'online' : 'offline')),
      fact('Labels', labels(d.labels)),
      fact('Agent', d.agentVersion || '—'),
      fact('Platform', c ? c.arch + ' · ' + (c.formats || []).join(', ') : 'not reported'),
      fact('Free disk', c ? bytes(c.freeDiskBytes) : '—'),
      fact('Key set', d.keySetVersion != null ? 'v' + d.keySetVersion : 'unknown'),
      fact('First seen', when(d.firstSeen)),
      fact('Last seen', when(d.lastSeen)),
      fact('Desired revision', d.desired.revision + ' (applied ' + d.appliedRevision + ')'),
      fact('Last error', d.lastError ? el('span', { class: 'error-text', id: 'last-error' }, d.lastError) : '—')),
    el('section', {}, el('h2', {}, 'Models'),
      d.models.length === 0 ? el('p', { class: 'muted' }, 'No model on this device yet.')
        : table(['model', 'active', 'slots', 'state', 'why', 'updated', 'metrics'], d.models.map(m => [
          m.name,
          m.activeVersion != null ? 'v' + m.activeVersion + (m.activeSlot ? ' in slot ' + m.activeSlot : '') : '—',
          (m.slots || []).map(s => el('div', {}, s.slot + ': v' + s.version + ' ', el('code', { title: s.digest }, (s.digest || '').slice(0, 12)))),
          badge(m.state) , [m.reason, m.details].filter(Boolean).join(': ') || '—',
          when(m.updatedAt),
          el('a', { href: '#/metrics/' + encodeURIComponent(m.name) }, 'charts'),
        ]), { id: 'device-models', class: 'cardify' })),
    el('section', {}, el('h2', {}, 'Desired'),
      d.desired.models.length === 0 ? el('p', { class: 'muted' }, 'No rollout has reached this device.')
        : table(['model', 'version', 'rollout'], d.desired.models.map(a => [a.model, 'v' + a.version,
          el('a', { href: '#/rollouts/' + a.rolloutId }, '#' + a.rolloutId)]))),
    el('p', { class: 'muted' }, 'Per-device latency is not in the API yet: the charts show each model over the whole fleet.'),
  ];
}
