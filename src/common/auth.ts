import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { LinguaHostRequest, LinguaSettings } from '../lingua-core.options';
import { ApiError } from './api-error';

/** The learner lingua-core's routes act for: lingua's `users.id` and the roles the host granted. */
export interface AuthenticatedLearner {
  id: number;
  /** Missing roles mean none. */
  roles?: string[];
}

const RESOLVED = Symbol('lingua-learner');
const RESOLVER = Symbol('lingua-learner-resolver');

interface LearnerRequest extends LinguaHostRequest {
  [RESOLVED]?: Promise<AuthenticatedLearner>;
  [RESOLVER]?: LearnerResolver;
}

/**
 * `request.user` as the host set it. On Fastify a guard or interceptor sets it on the Fastify request,
 * but a Nest middleware (`consumer.apply(…)`) is given the raw Node request, so there it lands on
 * `request.raw.user`: read both (the Fastify request's own first).
 */
function userOf(req: LinguaHostRequest): { id?: unknown; roles?: unknown } | undefined {
  const user = req.user ?? req.raw?.user;
  return typeof user === 'object' && user !== null ? user : undefined;
}

const defaultLearner = (req: LinguaHostRequest): unknown => userOf(req)?.id;
const defaultRoles = (req: LinguaHostRequest): unknown => userOf(req)?.roles;

/**
 * Finds the learner on the host's request with the `learner` and `roles` options (default
 * `request.user.id` / `.roles`), once per request: the guard and the route's parameter share it.
 */
@Injectable()
export class LearnerResolver {
  constructor(@Optional() private readonly settings?: LinguaSettings) {}

  /** The learner, or 401 `unauthorized` when the host's request has none (anything but an integer id). */
  resolve(request: LinguaHostRequest): Promise<AuthenticatedLearner> {
    const req = request as LearnerRequest;
    req[RESOLVED] ??= this.lookup(req);
    return req[RESOLVED];
  }

  /** Lets `@CurrentLearner()` (a parameter decorator, outside DI) find this resolver on the request. */
  attach(request: LinguaHostRequest): void {
    (request as LearnerRequest)[RESOLVER] = this;
  }

  private async lookup(req: LinguaHostRequest): Promise<AuthenticatedLearner> {
    const id: unknown = await (this.settings?.learner ?? defaultLearner)(req);
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Authentication required.');
    }
    const roles: unknown = await (this.settings?.roles ?? defaultRoles)(req);
    return Array.isArray(roles) ? { id, roles: roles as string[] } : { id };
  }
}

const fallback = new LearnerResolver();

/** The authenticated learner's id (resolved with the `learner` option; 401 without one). */
export const CurrentLearner = createParamDecorator((_data: unknown, ctx: ExecutionContext): Promise<number> => {
  const req = ctx.switchToHttp().getRequest<LearnerRequest>();
  return (req[RESOLVER] ?? fallback).resolve(req).then((learner) => learner.id);
});

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
  constructor(private readonly learners: LearnerResolver) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (!hasRole(await this.learners.resolve(ctx.switchToHttp().getRequest()), 'author')) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'This action needs the author role.');
    }
    return true;
  }
}

export const IS_PUBLIC = 'lingua:isPublic';
/** Marks a route the host's authentication guard lets through without a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
