import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** What lingua-core's controllers read from `request.user`: the learner's id, and roles if any. */
export interface AuthenticatedUser {
  id: number;
  roles?: string[];
}

declare module 'express' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/**
 * Stand-in for the app's real authentication (a session, a JWT, an API gateway header…): trusts
 * `X-User-Id` and `X-Roles: author,…`. It only sets `request.user`; it rejects nothing, so each route
 * decides — lingua-core's answer 401 without a user, except registration.
 */
@Injectable()
export class HeaderAuthMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const id = Number(req.header('x-user-id'));
    if (Number.isInteger(id) && id > 0) {
      const roles = (req.header('x-roles') ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      // A learner has no roles at all: lingua-core treats a missing `roles` as none.
      req.user = roles.length > 0 ? { id, roles } : { id };
    }
    next();
  }
}
