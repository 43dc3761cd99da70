// The REST API, from the page's own origin: the server's cross-site guard lets these changing
// requests through because the browser sends this origin, and the body is JSON. The session
// cookie authenticates them; changing ones also carry the session's CSRF token, which only a page
// of this origin can read. A 401 means the session ended: the page shows the login.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
  toString() {
    return `HTTP ${this.status} ${this.code}: ${this.message}`;
  }
}

/** GET that must succeed; throws ApiError with the server's code and message otherwise. */
export async function get(path) {
  const r = await send('GET', path);
  if (!r.ok) throw new ApiError(r.status, r.code, r.message);
  return r.body;
}

let csrfToken = null;
let onUnauthorized = () => {};

/** The session's CSRF token, from the login or GET /api/v1/session; null when logged out. */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** What to do when the server answers 401 (the session ended or was never there). */
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

/** Any request; resolves with the status and the parsed answer, whatever the status. */
export async function send(method, path, data) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
  if (method !== 'GET' && csrfToken) init.headers['x-csrf-token'] = csrfToken;
  if (data !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(data);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    return { status: 0, ok: false, code: 'unreachable', message: 'the server did not answer (' + e.message + ')', body: null };
  }
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  if (r.status === 401 && path !== '/api/v1/session') onUnauthorized();
  return {
    status: r.status, ok: r.ok, body,
    code: body && body.error ? body.error : 'http_' + r.status,
    message: body && body.message ? body.message : r.statusText,
  };
}

/** Every item of a paged listing, following next up to maxPages pages. */
export async function all(path, key, maxPages = 10) {
  const items = [];
  let next = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(path + (next ? sep + 'cursor=' + encodeURIComponent(next) : ''));
    items.push(...page[key]);
    next = page.next;
    if (!next) return { items, complete: true };
  }
  return { items, complete: false };
}
