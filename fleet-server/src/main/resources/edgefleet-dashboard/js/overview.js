// Fleet overview: who is online, which versions run in the field, alerts, the latest rollouts.
import { all, get } from './api.js';
import { badge, el, fill, message, table, throttle, when } from './dom.js';
import { onLive } from './live.js';

export async function render(main) {
  const body = el('div');
  fill(main, el('h1', {}, 'Fleet overview'), body);
  const refresh = async () => fill(body, ...(await view()));
  await refresh();
  // Counting reads every device: at most every 5 s, however many events arrive.
  return onLive(throttle(refresh, 5000));
}

async function view() {
  const [health, listing, recent, firing] = await Promise.all([
    get('/api/v1/health').catch(e => ({ status: String(e) })),
    all('/api/v1/devices?limit=1000', 'devices'),
    get('/api/v1/rollouts?limit=5'),
    get('/api/v1/alerts?state=firing&limit=50').catch(e => ({ alerts: null, error: String(e) })),
  ]);
  const devices = listing.items;
  const online = devices.filter(d => d.online).length;
  const versions = new Map();
  for (const d of devices) {
    for (const m of d.models) {
      if (m.activeVersion == null) continue;
      const key = m.name + ' v' + m.activeVersion;
      versions.set(key, (versions.get(key) || 0) + 1);
    }
  }
  return [
    el('section', { class: 'cards' },
      card('Devices', devices.length + (listing.complete ? '' : '+'), 'known', 'devices-known'),
      card('Online', online, 'online', 'devices-online'),
      card('Offline', devices.length - online, 'offline', 'devices-offline'),
      card('Broker', health.mqttConnected ? 'connected' : 'disconnected', health.mqttConnected ? 'online' : 'offline', 'broker')),
    el('section', {},
      el('h2', {}, 'Versions in the field'),
      versions.size === 0 ? el('p', { class: 'muted' }, 'No device runs a model yet: upload a bundle and start a rollout.')
        : table(['model and version', 'devices'], [...versions].sort().map(([k, n]) => [k, String(n)]), { id: 'versions' })),
    el('section', {},
      el('h2', {}, 'Alerts'),
      alerts(firing)),
    el('section', {},
      el('h2', {}, 'Latest rollouts'),
      recent.rollouts.length === 0 ? el('p', { class: 'muted' }, 'No rollout yet.')
        : table(['rollout', 'model', 'status', 'progress', 'created'], recent.rollouts.map(r => [
          el('a', { href: '#/rollouts/' + r.id }, '#' + r.id), r.model + ' v' + r.version, badge(r.status.toLowerCase()),
          (r.counts.active || 0) + ' / ' + (r.counts.total || 0) + ' active', when(r.createdAt)]), { class: 'cardify' })),
    listing.complete ? null : message('info', 'Counts cover the first ' + devices.length + ' devices.'),
  ];
}

// What fires now: what (the rule's metric against its threshold), where (model, version, cohort), since when.
function alerts(firing) {
  if (firing.alerts == null) return message('error', 'Alerts could not be read: ' + firing.error);
  if (firing.alerts.length === 0) {
    return el('p', { class: 'muted', id: 'alerts' }, 'No alert is firing. Rules: GET /api/v1/alert-rules.');
  }
  return table(['alert', 'where', 'value', 'since'], firing.alerts.map(a => [
    el('span', {}, badge('firing'), ' ', a.rule + ': ' + a.metric + ' above ' + a.threshold),
    a.model + ' v' + a.version + (a.cohort ? ' in ' + a.cohort : ' on every device'),
    a.value == null ? '—' : String(Math.round(a.value * 1000) / 1000),
    when(a.firingSince)]), { id: 'alerts', class: 'cardify' });
}

function card(title, value, kind, id) {
  return el('div', { class: 'card ' + kind, id }, el('div', { class: 'card-title' }, title), el('div', { class: 'card-value' }, String(value)));
}
