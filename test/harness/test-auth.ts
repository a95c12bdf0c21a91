import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ApiError } from '../../src/common/api-error';
import { AuthenticatedLearner, IS_PUBLIC } from '../../src/common/auth';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef';

/** Signs and verifies the library tests' bearer tokens: HS256, `sub` = user id, optional `roles`. */
export const testJwt = new JwtService({
  secret: TEST_JWT_SECRET,
  signOptions: { algorithm: 'HS256' },
  verifyOptions: { algorithms: ['HS256'] },
});

export function signTestToken(userId: number, roles: string[] = []): string {
  return testJwt.sign({ sub: String(userId), roles });
}

/**
 * The library test module's authentication, as small as a host's can be: a bearer token signed by
 * `signTestToken` sets `request.user` (`{ id, roles }`, SPEC §6); routes marked `@Public()` pass; anything
 * else is 401 `unauthorized`.
 */
@Injectable()
export class TestAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthenticatedLearner }>();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw unauthorized('A bearer token is required.');
    let claims: { sub?: unknown; roles?: unknown };
    try {
      claims = testJwt.verify<{ sub?: unknown; roles?: unknown }>(token);
    } catch {
      throw unauthorized('The token is invalid or expired.');
    }
    const id = Number(claims.sub);
    if (!Number.isSafeInteger(id) || id <= 0) throw unauthorized('The token has no valid subject.');
    req.user = { id, roles: Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [] };
    return true;
  }
}

const unauthorized = (message: string) => new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
