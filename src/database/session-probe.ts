import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { withTimeLimit } from '../common/time-limit';

const PROBE_CHANNEL = 'lingua_session_probe';
const PROBE_WAIT_MS = 1_000;

interface ListeningClient extends EventEmitter {
  query(sql: string): Promise<unknown>;
}

/**
 * Is `client` a real session? It LISTENs, another connection NOTIFYs, and a session hears it within a
 * second. Through a transaction pooler the LISTEN lands on a server connection the client no longer
 * holds, and nothing arrives: what needs a session (the cache listener, the migration lock) must not
 * trust such a connection.
 */
export async function isSession(
  client: ListeningClient,
  notifyFromElsewhere: (channel: string, payload: string) => Promise<unknown>,
): Promise<boolean> {
  const token = randomBytes(8).toString('hex');
  let onNotification: ((n: { channel: string; payload?: string }) => void) | undefined;
  const heard = new Promise<boolean>((resolve) => {
    onNotification = (n) => {
      if (n.channel === PROBE_CHANNEL && n.payload === token) resolve(true);
    };
    client.on('notification', onNotification);
  });
  try {
    await client.query(`LISTEN ${PROBE_CHANNEL}`);
    await notifyFromElsewhere(PROBE_CHANNEL, token);
    return await withTimeLimit(heard, PROBE_WAIT_MS, () => false);
  } finally {
    if (onNotification) client.off('notification', onNotification);
    await client.query(`UNLISTEN ${PROBE_CHANNEL}`).catch(() => undefined);
  }
}
