// Rollouts: start one (model, version, selector), follow its targets by state live, and act on it.
// The actions call POST /api/v1/rollouts/{id}/{action} with a reason; a server without the
// rollout engine answers 404/405, which the page says plainly. Everything about rollouts is here.
import { abView } from './ab.js';
import { all, get, send } from './api.js';
import { badge, el, fact, fill, message, table, throttle, when } from './dom.js';
import { onLive } from './live.js';

const STATES = ['pending', 'downloading', 'installing', 'staged', 'active', 'failed', 'superseded', 'skipped'];
const ACTIONS = ['pause', 'resume', 'promote', 'abort', 'rollback'];

export async function render(main, args) {
  return args.length === 1 ? detail(main, Number(args[0])) : list(main);
}

async function list(main) {
  const body = el('div');
  const models = (await all('/api/v1/models?limit=1000', 'models')).items;
  fill(main, el('h1', {}, 'Rollouts'), startForm(models), body);
  const refresh = async () => {
    const page = await get('/api/v1/rollouts?limit=50');
    fill(body, page.rollouts.length === 0 ? el('p', { class: 'muted' }, 'No rollout yet.')
      : table(['rollout', 'model', 'selector', 'status', 'targets by state', 'created'], page.rollouts.map(r => [
        el('a', { href: '#/rollouts/' + r.id }, '#' + r.id), r.model + ' v' + r.version, r.selector || 'every device',
        badge(r.status.toLowerCase()), progress(r.counts), when(r.createdAt)]), { id: 'rollout-table', class: 'cardify' }));
  };
  await refresh();
  return onLive(throttle(refresh, 800));
}

function startForm(models) {
  const latest = new Map();
  for (const m of models) for (const v of m.versions) latest.set(m.name, Math.max(latest.get(m.name) || 0, v.version));
  const names = [...latest.keys()];
  const out = el('div', { id: 'start-result' });
  const version = el('input', { name: 'version', type: 'number', min: 1, required: true, value: names.length ? latest.get(names[0]) : '' });
  const model = el('select', { name: 'model', required: true, onchange: e => { version.value = latest.get(e.target.value) || ''; } },
    names.map(n => el('option', { value: n }, n)));
  const submit = async e => {
    e.preventDefault();
    const data = new FormData(e.target);
    const r = await send('POST', '/api/v1/rollouts', {
      model: data.get('model'), version: Number(data.get('version')), selector: data.get('selector'),
      incompatible: data.get('incompatible'),
    });
    if (r.ok) {
      location.hash = '#/rollouts/' + r.body.id;
      return;
    }
    const refused = r.body && r.body.details && r.body.details.incompatible;
    fill(out, message('error', `HTTP ${r.status} ${r.code}: ${r.message}`),
      refused ? table(['device', 'reason', 'details'], refused.slice(0, 20).map(x => [x.deviceId, x.reason, x.details])) : null);
  };
  return el('form', { class: 'filters', id: 'start-rollout', onsubmit: submit },
    el('label', {}, 'Model', model),
    el('label', {}, 'Version', version),
    el('label', {}, 'Selector', el('input', { name: 'selector', placeholder: 'hw=rpi4 (empty: every device)' })),
    el('label', {}, 'Incompatible devices', el('select', { name: 'incompatible' },
      el('option', { value: 'refuse' }, 'refuse the rollout'), el('option', { value: 'skip' }, 'skip them'))),
    el('button', { type: 'submit', disabled: names.length === 0 }, 'Start rollout'), out);
}

async function detail(main, id) {
  const body = el('div');
  const result = el('div', { id: 'action-result', 'aria-live': 'polite' });
  const reason = el('input', { name: 'reason', placeholder: 'why (kept with the action)', value: 'from the dashboard' });
  const act = async action => {
    fill(result, message('info', action + '…'));
    fill(result, answer(action, await send('POST', `/api/v1/rollouts/${id}/${action}`, { reason: reason.value })));
    refresh();
  };
  const ab = abView();
  fill(main, el('h1', {}, 'Rollout #' + id), body, ab.node,
    el('section', {}, el('h2', {}, 'Actions'),
      el('div', { class: 'actions' }, reason, ACTIONS.map(a => el('button', { type: 'button', 'data-action': a, onclick: () => act(a) }, a))),
      result));
  const refresh = async () => {
    try {
      const r = await get('/api/v1/rollouts/' + id);
      fill(body, ...view(r));
      ab.update(r);
    } catch (e) {
      fill(body, message('error', String(e)));
    }
  };
  await refresh();
  const later = throttle(refresh, 300);
  const stop = onLive((kind, data) => { if (kind !== 'rollout' || data.id === id) later(); });
  // Outcomes arrive with telemetry, which sends no live event: the A/B view also refreshes on a timer.
  const timer = setInterval(later, 5_000);
  return () => { stop(); clearInterval(timer); ab.destroy(); };
}

/** What the server said to an action, in words. */
function answer(action, r) {
  if (r.ok) {
    return message('ok', `${action}: done; the rollout is now ${r.body && r.body.status ? r.body.status : 'updated'}`);
  }
  if (r.status === 405 || (r.status === 404 && r.code === 'not_found')) {
    return message('warn', `${action} is not available on this server yet (HTTP ${r.status} ${r.code}): ${r.message}`);
  }
  return message('error', `${action} refused (HTTP ${r.status} ${r.code}): ${r.message}`);
}

function view(r) {
  return [
    el('section', { class: 'facts' },
      fact('Status', el('span', { id: 'rollout-status' }, badge(r.status.toLowerCase()))),
      fact('Model', el('a', { href: `#/models/${encodeURIComponent(r.model)}/versions/${r.version}` }, r.model + ' v' + r.version)),
      fact('Selector', r.selector || 'every device'),
      fact('Strategy', r.strategy.kind + ' · stage ' + r.stage),
      fact('Created', when(r.createdAt)), fact('Updated', when(r.updatedAt))),
    el('section', {}, el('h2', {}, 'Targets by state'), progress(r.counts, true)),
    el('section', {}, el('h2', {}, 'Targets'),
      table(['device', 'state', 'why', 'updated'], (r.targets || []).map(t => [
        el('a', { href: '#/devices/' + encodeURIComponent(t.deviceId) }, t.deviceId), badge(t.state),
        [t.reason, t.details].filter(Boolean).join(': ') || '—', when(t.updatedAt)]), { id: 'targets', class: 'cardify' }),
      r.targetsNext ? el('p', { class: 'muted' }, 'Showing the first ' + r.targets.length + ' of ' + r.counts.total + ' targets.') : null),
  ];
}

/** A bar with one segment per target state, and the counts in words. */
function progress(counts, large) {
  const total = counts.total || 0;
  const shown = STATES.filter(s => counts[s]);
  return el('div', { class: 'progress' + (large ? ' large' : ''), id: large ? 'rollout-progress' : null },
    el('div', { class: 'bar-track', role: 'img', 'aria-label': shown.map(s => counts[s] + ' ' + s).join(', ') },
      shown.map(s => el('span', { class: 'seg ' + s, style: `width:${(100 * counts[s]) / Math.max(total, 1)}%` }))),
    el('div', { class: 'counts' }, shown.length ? shown.map(s => el('span', { class: 'count ' + s, 'data-state': s }, counts[s] + ' ' + s)) : 'no targets'));
}
