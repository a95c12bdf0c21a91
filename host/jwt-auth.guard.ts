import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtModuleOptions, JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import type { AppEnv } from './env';
import { ApiError, AuthenticatedLearner, IS_PUBLIC } from '../src/index';

interface TokenClaims {
  sub?: unknown;
  roles?: unknown;
}

/**
 * HS256 with the secret as a `KeyObject`: given a string, jsonwebtoken tries to parse it as a PEM
 * public key on every verify and falls back after the throw (a quarter of the CPU under load).
 */
export function jwtModuleOptions(env: AppEnv): JwtModuleOptions {
  const secret = createSecretKey(Buffer.from(env.JWT_SECRET ?? ''));
  return {
    secret: secret as unknown as string,
    signOptions: { algorithm: 'HS256' },
    verifyOptions: { algorithms: ['HS256'] },
  };
}

/**
 * The reference host's authentication: `Authorization: Bearer <HS256 JWT>` with `sub` = user id and
 * optional `roles`. Embedding apps use their own and set `request.user` the same way.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthenticatedLearner }>();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw unauthorized('A bearer token is required.');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims & object>(token, { algorithms: ['HS256'] });
    } catch {
      throw unauthorized('The token is invalid or expired.');
    }
    const id = Number(claims.sub);
    if (!Number.isSafeInteger(id) || id <= 0) throw unauthorized('The token has no valid subject.');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    req.user = { id, roles };
    return true;
  }
}

const unauthorized = (message: string) => new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
