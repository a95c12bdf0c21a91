import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from 'lingua-core';
import { HostUser, tokenSecret, verifyToken } from './token';

const HOST_PUBLIC = 'team-host:public';
/** The team's own marker for routes without a token. lingua-core's routes carry lingua's `IS_PUBLIC`. */
export const Anonymous = () => SetMetadata(HOST_PUBLIC, true);

/**
 * The team's global guard: a valid bearer token sets `req.user = { userId, email, roles }`; a bad
 * token is a 401 everywhere; no token is a 401 except on routes marked public (the team's or lingua's).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: HostUser }>();
    const header = req.headers.authorization;
    if (header) {
      const user = header.startsWith('Bearer ') ? verifyToken(header.slice(7), tokenSecret()) : undefined;
      if (!user) throw new UnauthorizedException('Invalid token.');
      req.user = user;
      return true;
    }
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(HOST_PUBLIC, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    throw new UnauthorizedException('A bearer token is required.');
  }
}
