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
];

const main = document.getElementById('main');
let leave = null;

async function route() {
  if (leave) { leave(); leave = null; }
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
    fill(main, message('error', 'Could not load this page: ' + e));
  }
}

window.addEventListener('hashchange', route);
startLive(document.getElementById('live'));
route();
