// The dashboard's shell: a hash router over the pages, and the live-update indicator.
import { fill, message } from './dom.js';
import { startLive } from './live.js';
import * as overview from './overview.js';
import * as devices from './devices.js';
import * as device from './device.js';
import * as models from './models.js';
import * as samples from './samples.js';
import * as rollouts from './rollouts.js';
import * as charts from './charts.js';
import * as drift from './drift.js';
import * as audit from './audit.js';
import * as session from './session.js';

// [pattern, page module, nav entry]; the captured groups are the page's arguments.
const ROUTES = [
  [/^\/?$/, overview, 'overview'],
  [/^\/devices$/, devices, 'devices'],
  [/^\/devices\/([^/]+)$/, device, 'devices'],
  [/^\/models$/, models, 'models'],
  [/^\/models\/([^/]+)\/versions\/(\d+)$/, models, 'models'],
  [/^\/models\/([^/]+)\/versions\/(\d+)\/samples$/, samples, 'models'],
  [/^\/metrics\/([^/]+)$/, charts, 'models'],
  [/^\/drift\/([^/]+)\/versions\/(\d+)$/, drift, 'models'],
  [/^\/rollouts$/, rollouts, 'rollouts'],
  [/^\/rollouts\/(\d+)$/, rollouts, 'rollouts'],
  [/^\/audit$/, audit, 'audit'],
];

const main = document.getElementById('main');
const who = document.getElementById('who');
const logoutButton = document.getElementById('logout');
const liveIndicator = document.getElementById('live');
let leave = null;
let user = null;
let live = false;

async function route() {
  if (leave) { leave(); leave = null; }
  if (!user) return;
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const found = ROUTES.map(([re, page, nav]) => [path.match(re), page, nav]).find(([m]) => m);
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('current', !!found && a.dataset.page === found[2]));
  if (!found) {
    fill(main, message('error', 'No such page: ' + path));
    return;
  }
  const [m, page] = found;
  const args = m.slice(1).map(decodeURIComponent);
  try {
    leave = (await page.render(main, args, new URLSearchParams(query))) || null;
  } catch (e) {
    // A 401 has put the login in main already: leave it there.
    if (user) fill(main, message('error', 'Could not load this page: ' + e));
  }
}

function showUser(token) {
  user = token;
  who.textContent = token ? token.name + ' (' + token.role + ')' : '';
  who.hidden = logoutButton.hidden = liveIndicator.hidden = !token;
}

// No page, no live updates until someone is logged in; a session that ends shows the login again.
async function login(why) {
  showUser(null);
  showUser(await session.showLogin(main, why));
  if (!live) {
    live = true;
    startLive(liveIndicator);
  }
  route();
}

session.onSessionEnded(() => {
  if (!user) return;
  if (leave) { leave(); leave = null; }
  login('Your session has ended: log in again.');
});
// A fresh page after logout: nothing of the session stays behind, the live stream included.
logoutButton.addEventListener('click', async () => {
  await session.logout();
  location.reload();
});
window.addEventListener('hashchange', route);

session.current().then(token => {
  if (!token) return login();
  showUser(token);
  live = true;
  startLive(liveIndicator);
  return route();
});
