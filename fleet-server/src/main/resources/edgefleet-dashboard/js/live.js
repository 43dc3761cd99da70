// Live updates: one EventSource per tab on the server's stream, reconnected with backoff when the
// server refuses (too many streams) or goes away. Pages subscribe and refetch what they show.

const listeners = new Set();
let retryMs = 1000;

export function onLive(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function startLive(indicator) {
  const show = (state, text) => { indicator.dataset.state = state; indicator.textContent = text; };
  const connect = () => {
    const source = new EventSource('/api/v1/events/stream');
    source.onopen = () => { retryMs = 1000; show('live', 'live'); };
    for (const kind of ['device', 'rollout', 'resync']) {
      source.addEventListener(kind, e => {
        let data = {};
        try { data = JSON.parse(e.data); } catch { /* a resync carries nothing */ }
        listeners.forEach(l => l(kind, data));
      });
    }
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (503) or not a stream: the browser gives up, so retry ourselves.
        source.close();
        show('down', 'reconnecting in ' + Math.round(retryMs / 1000) + ' s');
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 30000);
      } else {
        show('down', 'reconnecting');
      }
    };
  };
  connect();
}
