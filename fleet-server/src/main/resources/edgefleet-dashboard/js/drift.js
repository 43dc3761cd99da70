// Input drift of one model version: PSI per feature over time, from
// GET /api/v1/drift/models/{name}/versions/{v}/series (each step from the histograms received in it),
// the worst features first, with the thresholds that apply drawn across: the warn and alert levels,
// the drift_psi alert rules watching this version, and the drift gates of its active rollouts.
import { all, get } from './api.js';
import { badge, el, fill, message, table } from './dom.js';
import { onLive } from './live.js';

const WINDOWS = [['15m', '15m'], ['1h', '1h'], ['24h', '24h'], ['7d', '7d']];
const POINTS = 30;
const FEATURES = 8;
const REFRESH_MS = 15_000;
// One colour per feature line: Chart.js picks none itself once any dataset (the thresholds) has its own.
const PALETTE = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#319795', '#718096', '#975a16'];

export async function render(main, [name, version], query) {
  const v = Number(version);
  const window = WINDOWS.some(([, w]) => w === query.get('window')) ? query.get('window') : '1h';
  const selector = query.get('selector') || '';
  const summary = el('div', { id: 'drift-summary' });
  const limits = el('ul', { id: 'drift-thresholds', class: 'thresholds' });
  const canvas = el('canvas', { id: 'chart-drift', 'aria-label': 'PSI per feature over time' });
  const here = w => `#/drift/${encodeURIComponent(name)}/versions/${v}?window=${w}` + (selector ? '&selector=' + encodeURIComponent(selector) : '');
  fill(main, el('h1', {}, 'Input drift of ', el('code', {}, name), ' v' + v),
    el('nav', { class: 'pager' }, WINDOWS.map(([label, w]) => el('a', { href: here(w), class: w === window ? 'current' : '' }, label))),
    el('figure', { class: 'chart wide' }, el('figcaption', {}, 'PSI per input feature, worst first'
      + (selector ? ' (devices ' + selector + ')' : '')), el('div', { class: 'chart-area' }, canvas)),
    limits, summary,
    el('p', {}, el('a', { href: `#/models/${encodeURIComponent(name)}/versions/${v}` }, 'Back to ' + name + ' v' + v)));

  let chart = null;
  const refresh = async () => {
    let s;
    try {
      s = await get(`/api/v1/drift/models/${encodeURIComponent(name)}/versions/${v}/series?window=${window}`
        + `&points=${POINTS}&features=${FEATURES}` + (selector ? '&selector=' + encodeURIComponent(selector) : ''));
    } catch (e) {
      fill(summary, message('error', String(e)));
      return;
    }
    const thresholds = [{ label: 'warn ' + s.warnPsi, value: s.warnPsi }, { label: 'alert ' + s.alertPsi, value: s.alertPsi },
      ...(await configured(name, v))];
    fill(limits, thresholds.map(t => el('li', { 'data-psi': t.value }, t.label)));
    const withData = s.features.filter(f => f.points.some(p => p !== null)).length;
    fill(summary,
      withData === 0 ? message('info', 'No step in this window holds enough live values (500 per feature) for a PSI yet.') : null,
      table(['feature', 'PSI over the window', 'level', 'latest step'], s.features.map(f => [
        el('code', {}, f.input + '/' + f.feature), f.psi === null ? '—' : f.psi.toFixed(3), badge(f.level.toLowerCase()),
        last(f.points)]), { id: 'drift-table', class: 'cardify' }),
      s.featuresTotal > s.features.length
        ? el('p', { class: 'muted' }, `The ${s.features.length} worst of ${s.featuresTotal} features.`) : null);
    chart = draw(chart, canvas, s, thresholds);
  };
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  const stop = onLive(kind => { if (kind === 'resync') refresh(); });
  return () => { clearInterval(timer); stop(); if (chart) chart.destroy(); };
}

/** The drift_psi alert rules on this version and the drift gates of its active rollouts, as thresholds. */
async function configured(name, v) {
  const out = [];
  try {
    const rules = (await all('/api/v1/alert-rules?limit=1000', 'rules', 2)).items;
    for (const r of rules) {
      if (r.metric === 'drift_psi' && r.model === name && (r.version == null || r.version === v)) {
        out.push({ label: `alert rule ${r.name}${r.cohort ? ' (' + r.cohort + ')' : ''}: above ${r.threshold}`, value: r.threshold });
      }
    }
    const rollouts = (await get('/api/v1/rollouts?limit=100&model=' + encodeURIComponent(name))).rollouts;
    for (const r of rollouts) {
      const gate = r.strategy && r.strategy.gates && r.strategy.gates.drift;
      if (r.version === v && gate && ['RUNNING', 'PAUSED', 'AWAITING_APPROVAL'].includes(r.status)) {
        out.push({ label: `drift gate of rollout #${r.id}: at or above ${gate.maxPsi}`, value: gate.maxPsi });
      }
    }
  } catch {
    // Thresholds are an aid: without them the chart still shows the PSI and the standard levels.
  }
  return out;
}

function last(points) {
  for (let i = points.length - 1; i >= 0; i--) if (points[i] !== null) return points[i].toFixed(3);
  return '—';
}

function draw(chart, canvas, s, thresholds) {
  if (!window.Chart) return null; // the library did not load: the table still shows the numbers
  const labels = s.times.map(t => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const lines = s.features.map((f, i) => ({
    label: f.input + '/' + f.feature, data: f.points, spanGaps: false, pointRadius: 3,
    borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
  }));
  const across = thresholds.map(t => ({
    label: t.label, data: labels.map(() => t.value), borderDash: [6, 4], borderWidth: 1, pointRadius: 0,
    borderColor: t.value >= s.alertPsi ? '#c53030' : '#b7791f',
  }));
  const data = { labels, datasets: [...lines, ...across] };
  if (chart) {
    chart.data = data;
    chart.update('none');
    return chart;
  }
  return new window.Chart(canvas, {
    type: 'line', data,
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'PSI' } } } },
  });
}
