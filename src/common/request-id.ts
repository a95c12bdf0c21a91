import { randomUUID } from 'node:crypto';

const HEADER = 'x-request-id';
const ACCEPTABLE = /^[\w.:-]{1,128}$/;
const REQUEST_ID = Symbol.for('lingua-core.requestId');

export interface RequestLike {
  headers?: Record<string, unknown>;
  /** Fastify wraps Node's request; Express is Node's request. */
  raw?: RequestLike;
  [REQUEST_ID]?: string;
}

/**
 * The request's id: a sane incoming `X-Request-Id`, else a new UUID; assigned once per request (on
 * Node's own request object, so Express, Fastify and a host's logger asking for it agree).
 */
export function requestIdOf(request: RequestLike): string {
  const raw = request.raw ?? request;
  if (raw[REQUEST_ID]) return raw[REQUEST_ID];
  const incoming = raw.headers?.[HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  raw[REQUEST_ID] = id;
  return id;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
