import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { ApiError } from './api-error';

/** What feature modules need from authentication: the host sets `request.user` to this. */
export interface AuthenticatedLearner {
  id: number;
  /** Missing roles mean none. */
  roles?: string[];
}

/**
 * `request.user` as the host set it. On Fastify a guard or interceptor sets it on the Fastify request,
 * but a Nest middleware (`consumer.apply(…)`) is given the raw Node request, so there it lands on
 * `request.raw.user`: read both (the Fastify request's own first).
 */
function learnerOf(ctx: ExecutionContext): AuthenticatedLearner {
  const req = ctx.switchToHttp().getRequest<{ user?: AuthenticatedLearner; raw?: { user?: AuthenticatedLearner } }>();
  const user = req.user ?? req.raw?.user;
  if (!user || !Number.isInteger(user.id)) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Authentication required.');
  return user;
}

/** The authenticated learner's id. */
export const CurrentLearner = createParamDecorator((_data: unknown, ctx: ExecutionContext): number => learnerOf(ctx).id);

/**
 * Whether the learner has `role`. Only an array of strings grants roles: missing roles mean none,
 * and a host that sets anything else (a string, an object) grants none either — never a substring
 * match (`'coauthor'.includes('author')`) nor a TypeError answered 500.
 */
export function hasRole(learner: AuthenticatedLearner, role: string): boolean {
  return Array.isArray(learner.roles) && learner.roles.some((r) => r === role);
}

/** Allows the route only to learners with `roles: ["author"]` (catalogue and lesson writes). */
@Injectable()
export class AuthorGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (!hasRole(learnerOf(ctx), 'author')) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'This action needs the author role.');
    }
    return true;
  }
}

export const IS_PUBLIC = 'lingua:isPublic';
/** Marks a route the host's authentication guard lets through without a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
