// Models and their versions, and one version with what its signed manifest says.
import { get } from './api.js';
import { badge, bytes, el, fact, fill, message, table, when } from './dom.js';

export async function render(main, args) {
  return args.length === 2 ? version(main, args[0], Number(args[1])) : list(main);
}

async function list(main) {
  const models = [];
  let next = null;
  do {
    const page = await get('/api/v1/models?limit=1000' + (next ? '&cursor=' + encodeURIComponent(next) : ''));
    for (const m of page.models) {
      const last = models[models.length - 1];
      if (last && last.name === m.name) last.versions.push(...m.versions); else models.push(m);
    }
    next = page.next;
  } while (next && models.length < 1000);
  fill(main, el('h1', {}, 'Models'),
    models.length === 0 ? el('p', { class: 'muted' }, 'No model is registered: upload a bundle (POST /api/v1/bundles).')
      : models.map(m => el('section', { class: 'model' },
        el('h2', {}, m.name, ' ', el('a', { href: '#/metrics/' + encodeURIComponent(m.name), class: 'small' }, 'charts')),
        table(['version', 'format', 'size', 'packaged', 'uploaded', 'tags'], m.versions.map(v => [
          el('a', { href: `#/models/${encodeURIComponent(m.name)}/versions/${v.version}` }, 'v' + v.version),
          v.format, bytes(v.size), when(v.createdAt), when(v.uploadedAt), (v.tags || []).map(t => badge(t, 'tag')),
        ]), { class: 'cardify' }))));
}

async function version(main, name, v) {
  let d;
  try {
    d = await get(`/api/v1/models/${encodeURIComponent(name)}/versions/${v}`);
  } catch (e) {
    if (e.status !== 401) fill(main, message('error', String(e))); // a 401 shows the login instead
    return;
  }
  const q = d.quantization || {};
  fill(main,
    el('h1', {}, d.name, ' v' + d.version, ' ', (d.tags || []).map(t => badge(t, 'tag'))),
    el('p', { class: 'description', id: 'model-description' }, d.description || 'No description in the manifest.'),
    el('section', { class: 'facts' },
      fact('Format', d.format), fact('Size', bytes(d.size)), fact('Model file', d.modelFile),
      fact('Packaged', when(d.createdAt)), fact('Expires', when(d.expiresAt)), fact('Uploaded', when(d.uploadedAt)),
      fact('Signed by key', el('code', {}, d.keyId)),
      fact('Uploader', 'not recorded (the API has no operator accounts yet): the signing key says who packaged it'),
      fact('Quantization', [q.scheme || 'none', q.granularity, (q.quantized || []).join(', ')].filter(Boolean).join(' · ')),
      fact('Test vectors', String(d.testVectors)),
      fact('Drift references', d.referenceFeatures.length + ' features'),
      fact('Runtime', [d.runtime && d.runtime.minAgentVersion ? 'agent ≥ ' + d.runtime.minAgentVersion : null,
        d.runtime && d.runtime.architectures.length ? d.runtime.architectures.join(', ') : 'any CPU',
        d.runtime && d.runtime.opset ? 'opset ' + d.runtime.opset : null].filter(Boolean).join(' · ')),
      fact('Transfer', d.chunkCount + ' chunks of ' + bytes(d.chunkSize)),
      fact('Digest', el('code', { class: 'digest' }, d.digest))),
    el('section', {}, el('h2', {}, 'Inputs'), tensors(d.inputs, 'inputs')),
    el('section', {}, el('h2', {}, 'Outputs'), tensors(d.outputs, 'outputs')),
    el('p', {}, el('a', { href: '#/metrics/' + encodeURIComponent(d.name) }, 'Latency and error charts of ' + d.name), ' · ',
      el('a', { href: `#/models/${encodeURIComponent(d.name)}/versions/${d.version}/samples`, id: 'samples-link' },
        'Sampled inputs'), ' · ',
      el('a', { href: `#/drift/${encodeURIComponent(d.name)}/versions/${d.version}`, id: 'drift-link' }, 'Input drift')));
}

function tensors(list, id) {
  return table(['name', 'dtype', 'shape', 'features'], (list || []).map(t => [
    el('code', {}, t.name), t.dtype, '[' + (t.shape || []).map(s => (s < 0 ? '?' : s)).join(', ') + ']',
    (t.features || []).length ? t.features.join(', ') : '—',
  ]), { id, class: 'cardify' });
}
