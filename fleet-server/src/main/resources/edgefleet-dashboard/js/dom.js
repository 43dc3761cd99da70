// Builds elements from text only: nothing the server or a device sends is ever parsed as HTML.

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A table whose cells carry their column name, so the phone layout can show each row as a card. */
export function table(headers, rows, attrs = {}) {
  return el('table', attrs,
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, r.map((cell, i) => el('td', { 'data-label': headers[i] }, cell))))));
}

export function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || text) }, text);
}

export function labels(map) {
  const entries = Object.entries(map || {});
  return entries.length ? el('span', { class: 'labels' }, entries.map(([k, v]) => el('code', { class: 'label' }, k + '=' + v))) : '—';
}

export function when(iso) {
  if (!iso) return '—';
  const t = new Date(iso);
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  const span = Math.abs(s);
  const text = span < 60 ? span + ' s' : span < 3600 ? Math.round(span / 60) + ' min' : span < 86400 ? Math.round(span / 3600) + ' h'
    : Math.round(span / 86400) + ' d';
  return el('time', { datetime: iso, title: t.toLocaleString() }, s >= 0 ? text + ' ago' : 'in ' + text);
}

export function bytes(n) {
  if (n == null) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + u[i];
}

export function message(kind, text) {
  return el('p', { class: 'msg ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/**
 * Runs fn once, wait ms after the first of a burst of calls, with the last call's arguments: a page
 * refreshes at most once per wait under a steady flow of live events, and never starves.
 */
export function throttle(fn, wait = 400) {
  let t = null;
  let last = [];
  return (...args) => {
    last = args;
    if (t === null) t = setTimeout(() => { t = null; fn(...last); }, wait);
  };
}

/** A named value in a grid of facts. */
export function fact(name, value) {
  return el('div', { class: 'fact' }, el('div', { class: 'fact-name' }, name), el('div', { class: 'fact-value' }, value));
}
