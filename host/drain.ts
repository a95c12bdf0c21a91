import type { Server } from 'node:http';

/**
 * Keeps the HTTP drain at shutdown short. Node's `server.close()` closes only the keep-alive sockets
 * idle at that moment: a socket whose request is in flight turns idle after its response and then
 * holds the process until its keep-alive timeout (72 s here, configure-app.ts) — past a deploy's
 * grace period, with lingua's pools, listener and probes still open (they close after the drain).
 * Once the server starts closing (Nest closes it after onModuleDestroy and beforeApplicationShutdown),
 * idle sockets are closed as soon as their response has been written; until then keep-alive is untouched.
 */
export function closeIdleSocketsWhileDraining(server: Server, everyMs = 50): void {
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    const timer = setInterval(() => server.closeIdleConnections(), everyMs);
    timer.unref();
    return close((err) => {
      clearInterval(timer);
      callback?.(err);
    });
  };
}
