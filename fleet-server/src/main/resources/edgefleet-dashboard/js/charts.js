// Latency percentiles and error rate per version of one model, from the merged histograms of
// GET /api/v1/metrics/models/{name}, drawn with Chart.js. The window is the server's `since`; the
// trend line is sampled by this page (one point per refresh), since the API keeps no history yet.
import { get } from './api.js';
import { el, fill, message, table } from './dom.js';
import { onLive } from './live.js';

const WINDOWS = [['15m', 15], ['1h', 60], ['24h', 1440], ['all', 0]];
const REFRESH_MS = 10_000;
const TREND_POINTS = 60;

export async function render(main, [name], query) {
  const minutes = Number(query.get('window') ?? 60);
  const charts = [];
  const trend = { labels: [], byVersion: new Map() };
  const summary = el('div');
  const canvases = ['latency', 'errors', 'trend'].map(id => el('canvas', { id: 'chart-' + id, 'aria-label': id + ' chart' }));
  fill(main, el('h1', {}, 'Metrics of ', el('code', {}, name)),
    el('nav', { class: 'pager' }, WINDOWS.map(([label, m]) =>
      el('a', { href: `#/metrics/${encodeURIComponent(name)}?window=${m}`, class: m === minutes ? 'current' : '' }, label))),
    summary,
    el('section', { class: 'charts' },
      box('Latency percentiles (ms)', canvases[0]), box('Error rate', canvases[1]), box('p95 over time, sampled by this page (ms)', canvases[2])));

  const refresh = async () => {
    const since = minutes ? '?since=' + new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') : '';
    let m;
    try {
      m = await get(`/api/v1/metrics/models/${encodeURIComponent(name)}${since}`);
    } catch (e) {
      fill(summary, message('error', String(e)));
      return;
    }
    const versions = m.versions;
    fill(summary, versions.length === 0 ? message('info', 'No telemetry for this model in this window yet.')
      : table(['version', 'inferences', 'errors', 'error rate', 'p50', 'p95', 'p99', 'max', 'devices'], versions.map(v => [
        'v' + v.version, String(v.inferences), String(v.errors), pct(v.errorRate),
        ...['p50', 'p95', 'p99', 'max'].map(p => (v.latencyMs ? v.latencyMs[p].toFixed(2) : '—')), String(v.devicesReporting)]),
      { id: 'metrics-table', class: 'cardify' }));
    sample(trend, versions);
    draw(charts, canvases, versions, trend);
  };
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  const stop = onLive(kind => { if (kind === 'resync') refresh(); });
  return () => { clearInterval(timer); stop(); charts.forEach(c => c && c.destroy()); };
}

function sample(trend, versions) {
  trend.labels.push(new Date().toLocaleTimeString());
  for (const v of versions) {
    if (!trend.byVersion.has(v.version)) trend.byVersion.set(v.version, new Array(trend.labels.length - 1).fill(null));
  }
  for (const [version, points] of trend.byVersion) {
    const v = versions.find(x => x.version === version);
    points.push(v && v.latencyMs ? v.latencyMs.p95 : null);
  }
  if (trend.labels.length > TREND_POINTS) {
    trend.labels.shift();
    trend.byVersion.forEach(p => p.shift());
  }
}

function draw(charts, canvases, versions, trend) {
  if (!window.Chart) return; // the library did not load: the table above still shows the numbers
  const labels = versions.map(v => 'v' + v.version);
  const data = [
    { type: 'bar', data: { labels, datasets: ['p50', 'p95', 'p99'].map(p => ({ label: p, data: versions.map(v => (v.latencyMs ? v.latencyMs[p] : null)) })) } },
    { type: 'bar', data: { labels, datasets: [{ label: 'error rate %', data: versions.map(v => 100 * v.errorRate) }] } },
    { type: 'line', data: { labels: trend.labels, datasets: [...trend.byVersion].map(([ver, pts]) => ({ label: 'v' + ver + ' p95', data: pts, spanGaps: true })) } },
  ];
  data.forEach((d, i) => {
    if (charts[i]) {
      charts[i].data = d.data;
      charts[i].update('none');
    } else {
      charts[i] = new window.Chart(canvases[i], { ...d, options: { responsive: true, maintainAspectRatio: false, animation: false } });
    }
  });
}

function box(title, canvas) {
  return el('figure', { class: 'chart' }, el('figcaption', {}, title), el('div', { class: 'chart-area' }, canvas));
}

function pct(x) {
  return (100 * x).toFixed(2) + ' %';
}
