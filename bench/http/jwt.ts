import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 bearer tokens with node:crypto alone: the benchmark signs its learners' tokens with this,
 * and the raw floor verifies them with it (the same check the reference host makes: signature,
 * algorithm, expiry, a positive integer `sub`).
 */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function signToken(secret: string, sub: number, ttlSeconds = 24 * 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ sub: String(sub), iat: now, exp: now + ttlSeconds })).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

/** The learner id of a valid `Bearer` header, else null. */
export function verifyBearer(secret: string, authorization: string | undefined): number | null {
  if (!authorization?.startsWith('Bearer ')) return null;
  const parts = authorization.slice(7).split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
    if (alg !== 'HS256') return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return null;
    const id = Number(claims.sub);
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}
