import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEADER = 'x-request-id';
const ACCEPTABLE = /^[\w.:-]{1,128}$/;

/** Reuses a sane incoming `X-Request-Id`, else makes one; echoes it on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  res.setHeader(HEADER, id);
  return id;
}

export function requestIdOf(req: { id?: unknown; headers?: Record<string, unknown> }): string {
  if (typeof req.id === 'string' || typeof req.id === 'number') return String(req.id);
  const header = req.headers?.[HEADER];
  return typeof header === 'string' ? header : 'unknown';
}
