// Sampled inputs of one model version: its sampling policy, the samples page by page (each tensor as
// dtype, shape and its first values) and the dataset export links.
import { ApiError, get } from './api.js';
import { bytes, el, fact, fill, message, table, when } from './dom.js';

const PAGE = 20;

export async function render(main, args, query) {
  const [name, v] = [args[0], Number(args[1])];
  const base = `/api/v1/models/${encodeURIComponent(name)}/versions/${v}`;
  const cursor = query.get('cursor');
  let page;
  let policy = null;
  try {
    page = await get(`${base}/samples?limit=${PAGE}` + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    policy = await get(`${base}/sampling`).catch(e => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
  } catch (e) {
    fill(main, message('error', String(e)));
    return;
  }
  const here = `#/models/${encodeURIComponent(name)}/versions/${v}/samples`;
  fill(main,
    el('h1', {}, 'Sampled inputs of ', el('a', { href: `#/models/${encodeURIComponent(name)}/versions/${v}` }, name + ' v' + v)),
    el('section', { class: 'facts', id: 'sampling-policy' },
      policy ? [fact('Rate', (policy.rate * 100).toPrecision(3) + ' % of calls'), fact('Budget', bytes(policy.dailyBytes) + ' per device per day'),
        fact('Inputs kept', policy.inputs ? policy.inputs.join(', ') || 'none' : 'all'),
        fact('Outputs kept', policy.outputs ? policy.outputs.join(', ') || 'none' : 'all')]
        : fact('Policy', 'none: devices sample nothing (set one with PUT ' + base + '/sampling)'),
      fact('Stored', String(page.total) + ' samples')),
    el('p', { id: 'sample-export' }, 'Export as dataset: ',
      ['jsonl', 'csv', 'npz'].map(f => [el('a', { href: `${base}/samples/export?format=${f}`, download: '' }, f), ' '])),
    page.samples.length === 0 ? el('p', { class: 'muted' }, 'No samples stored.')
      : table(['id', 'device', 'request', 'taken', 'outcome', 'inputs', 'outputs'], page.samples.map(s => [
        String(s.id), el('a', { href: '#/devices/' + encodeURIComponent(s.deviceId) }, s.deviceId), s.requestId || '—',
        when(s.takenAt), s.outcome == null ? '—' : String(s.outcome), tensors(s.inputs), tensors(s.outputs),
      ]), { id: 'samples', class: 'cardify' }),
    el('p', {}, cursor ? [el('a', { href: here }, 'First page'), ' '] : null,
      page.next ? el('a', { href: here + '?cursor=' + encodeURIComponent(page.next), id: 'samples-next' }, 'Next page') : null));
}

function tensors(map) {
  const entries = Object.entries(map || {});
  if (entries.length === 0) return '—';
  return el('ul', { class: 'tensors' }, entries.map(([n, t]) => el('li', {},
    el('code', {}, n), ' ', t.dtype, ' [' + t.shape.join(', ') + '] ',
    el('span', { class: 'preview' }, t.preview.map(x => String(Number(Number(x).toPrecision(4)))).join(', ')
      + (t.size > t.preview.length ? ', … (' + t.size + ' values)' : '')))));
}
