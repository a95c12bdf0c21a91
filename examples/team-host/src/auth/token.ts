import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the team's tokens carry: its own user shape, not lingua-core's. */
export interface HostUser {
  userId: string;
  email: string;
  roles: string[];
}

/**
 * A deliberately small bearer token: `base64url(JSON payload).base64url(HMAC-SHA256)`. A team would
 * use passport-jwt or @nestjs/jwt; what matters to lingua-core is only the `req.user` it yields.
 */
export function signToken(user: HostUser, secret: string): string {
  const payload = Buffer.from(JSON.stringify(user)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function verifyToken(token: string, secret: string): HostUser | undefined {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return undefined;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as HostUser;
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function tokenSecret(): string {
  return process.env.TOKEN_SECRET ?? 'team-host-dev-secret';
}
