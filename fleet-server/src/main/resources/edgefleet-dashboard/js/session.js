// The dashboard's login: an API token pasted once becomes a session cookie the page cannot read
// (HttpOnly); the page keeps only the session's CSRF token, in memory, and asks for it again after
// a reload.
import { send, setCsrfToken, whenUnauthorized } from './api.js';
import { el, fill, message } from './dom.js';

/** The logged-in token ({id, name, role}), or null; fetches the CSRF token of an existing session. */
export async function current() {
  const r = await send('GET', '/api/v1/session');
  if (!r.ok) return null;
  setCsrfToken(r.body.csrfToken || null);
  return r.body.token;
}

/** Shows the login form in main; resolves with the token once a login succeeded. */
export function showLogin(main, why) {
  return new Promise(resolve => {
    const input = el('input', { id: 'login-token', type: 'password', name: 'token', autocomplete: 'off', required: true,
      placeholder: 'ef_…', 'aria-label': 'API token' });
    const result = el('div', { id: 'login-result' }, why ? message('warn', why) : null);
    const form = el('form', { id: 'login-form', class: 'login', onsubmit: async e => {
      e.preventDefault();
      fill(result, message('info', 'Logging in…'));
      const r = await send('POST', '/api/v1/session', { token: input.value.trim() });
      if (!r.ok) {
        fill(result, message('error', `HTTP ${r.status} ${r.code}: ${r.message}`));
        return;
      }
      input.value = '';
      setCsrfToken(r.body.csrfToken);
      resolve(r.body.token);
    } },
    el('label', { for: 'login-token' }, 'API token'), input,
    el('button', { id: 'login-submit', type: 'submit' }, 'Log in'), result);
    fill(main, el('h1', {}, 'Log in'),
      el('p', { class: 'muted' }, 'Paste an API token an admin gave you (the first admin token is in the server\u2019s data directory,'
        + ' file admin-token). The page keeps a session cookie, not the token.'), form);
    input.focus();
  });
}

export async function logout() {
  await send('DELETE', '/api/v1/session');
  setCsrfToken(null);
}

/** Calls fn whenever the server says the session is gone. */
export function onSessionEnded(fn) {
  whenUnauthorized(fn);
}
