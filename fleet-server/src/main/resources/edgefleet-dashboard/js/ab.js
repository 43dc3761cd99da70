// The A/B view of a rollout: both arms' outcome means with their 95 % intervals, each arm's count
// against the planned sample size, and the verdict, from the readings of GET /api/v1/rollouts/{id}.
// The server judges the arms only once both reached the plan; before that the verdict is "collecting".
import { badge, el, fact, fill } from './dom.js';

const VERDICTS = {
  COLLECTING: 'collecting',
  B_BETTER: 'B better',
  A_BETTER: 'A better',
  NOT_SIGNIFICANT: 'not significant',
};

/** A section that shows a rollout's A/B comparison; update() it with each new rollout reading. */
export function abView() {
  const facts = el('section', { class: 'facts', id: 'ab-facts' });
  const canvas = el('canvas', { id: 'chart-ab', 'aria-label': 'A/B outcome means with 95 % intervals' });
  const node = el('section', { id: 'ab', hidden: true }, el('h2', {}, 'A/B comparison'), facts,
    el('figure', { class: 'chart' }, el('figcaption', {}, 'Outcome mean per arm, with its 95 % interval'),
      el('div', { class: 'chart-area' }, canvas)));
  let chart = null;

  const update = r => {
    if (!r.strategy || r.strategy.kind !== 'ab') return;
    node.hidden = false;
    const planned = r.strategy.ab.plannedPerArm;
    const readings = r.readings || {};
    const ab = readings.ab || null;
    // Before both arms have two outcomes the server sends no comparison: the counts come from the versions' outcomes.
    const a = ab ? ab.a : (readings.baseline && readings.baseline.outcomes) || null;
    const b = ab ? ab.b : (readings.candidate && readings.candidate.outcomes) || null;
    const decision = ab ? ab.decision : 'COLLECTING';
    fill(facts,
      fact('Split', el('span', { id: 'ab-split' }, split(r.strategy.ab.split, readings.arms))),
      fact('Verdict', el('span', { id: 'ab-verdict', 'data-decision': decision }, badge(VERDICTS[decision], decision.toLowerCase()))),
      fact('Arm A (active version)', el('span', { id: 'ab-count-a' }, count(a) + ' of ' + planned + ' planned')),
      fact('Arm B (v' + r.version + ')', el('span', { id: 'ab-count-b' }, count(b) + ' of ' + planned + ' planned')),
      fact('Arm A mean', interval(a)), fact('Arm B mean', interval(b)),
      fact('Difference B − A', ab ? `${ab.difference.toFixed(4)} [${ab.differenceLow.toFixed(4)}, ${ab.differenceHigh.toFixed(4)}]` : '—'));
    chart = draw(chart, canvas, a, b);
  };
  const destroy = () => { if (chart) chart.destroy(); chart = null; };
  return { node, update, destroy };
}

// By request every target serves both arms; by device each serves one, and the counts say how many.
function split(how, arms) {
  if (how !== 'device') return 'by request (every device serves both arms)';
  return 'by device' + (arms ? ` (${arms.a} devices on arm A, ${arms.b} on arm B)` : '');
}

function count(arm) {
  return arm ? String(arm.count) : '0';
}

function interval(arm) {
  return arm && arm.mean !== undefined ? `${arm.mean.toFixed(4)} [${arm.ciLow.toFixed(4)}, ${arm.ciHigh.toFixed(4)}]` : '—';
}

function draw(chart, canvas, a, b) {
  if (!window.Chart) return null; // the facts above still show the numbers
  const arms = [a, b];
  const data = {
    labels: ['arm A', 'arm B'],
    datasets: [
      // Floating bars from the low to the high end of each interval, the mean as a point on them.
      { type: 'bar', label: '95 % interval', data: arms.map(x => (x ? [x.ciLow, x.ciHigh] : null)), barPercentage: 0.3,
        backgroundColor: ['rgba(113,128,150,.45)', 'rgba(43,108,176,.45)'] },
      { type: 'line', label: 'mean', data: arms.map(x => (x ? x.mean : null)), showLine: false, pointRadius: 6,
        borderColor: '#1a202c', backgroundColor: '#1a202c' },
    ],
  };
  if (chart) {
    chart.data = data;
    chart.update('none');
    return chart;
  }
  return new window.Chart(canvas, { type: 'bar', data, options: {
    responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: false, title: { display: true, text: 'outcome' } } },
  } });
}
