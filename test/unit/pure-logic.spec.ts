import { backoffMs } from '../../src/common/backoff';
import { QueryFailedError } from 'typeorm';
import { withTimeLimit } from '../../src/common/time-limit';
import { classifyDatabaseError } from '../../src/database/db-errors';
import { DatabaseConnectError, QueryReadTimeoutError } from '../../src/database/pg-driver';
import { normaliseSql, statementKind } from '../../src/database/query-observer';
import { formatLsn, maxLsn, parseLsn } from '../../src/database/replicas/lsn';
import { transactionPreamble } from '../../src/database/session-settings';
import { compileLessonPlan, PlanRejected } from '../../src/lessons/lesson-plan.compiler';
import { LinguaOptionsError, LinguaSettings } from '../../src/lingua-core.options';
import { isCorrect, masteryOf, scheduleReview } from '../../src/vocabulary/srs';

/** Pure logic, no database: the unit tier (`npx jest --selectProjects unit`, milliseconds). */

const queryError = (code: string, extra: Record<string, unknown> = {}) =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error('driver says'), { code, ...extra }));

describe('SQLSTATE and error class → API error code', () => {
  it.each([
    ['23505', 409, 'unique_violation'],
    ['23503', 409, 'foreign_key_violation'],
    ['23001', 409, 'foreign_key_violation'],
    ['23514', 409, 'check_violation'],
    ['23502', 409, 'not_null_violation'],
    ['40001', 503, 'db_contention'],
    ['40P01', 503, 'db_contention'],
    ['57014', 503, 'db_timeout'],
    ['55P03', 503, 'db_timeout'],
    ['57P01', 503, 'db_unavailable'],
    ['53300', 503, 'db_unavailable'],
    ['08006', 503, 'db_unavailable'],
    ['22P02', 400, 'validation_failed'],
  ])('%s → %i %s', (code, status, apiCode) => {
    expect(classifyDatabaseError(queryError(code, { constraint: 'c' }))).toMatchObject({ status, code: apiCode });
  });

  it('keeps the constraint name of integrity errors, and the column of not-null ones', () => {
    expect(classifyDatabaseError(queryError('23505', { constraint: 'uq_users_email' }))?.constraint).toBe('uq_users_email');
    expect(classifyDatabaseError(queryError('23502', { column: 'email' }))?.constraint).toBe('email');
  });

  it('pool and read-timeout errors by class; a server bug (22012) and anything else are left to the 500 path', () => {
    expect(classifyDatabaseError(new DatabaseConnectError(new Error('timeout exceeded')))?.code).toBe('db_unavailable');
    expect(classifyDatabaseError(new QueryFailedError('SELECT 1', [], new QueryReadTimeoutError(100, new Error('x'))))?.code).toBe(
      'db_timeout',
    );
    expect(classifyDatabaseError(queryError('22012'))).toBeUndefined();
    expect(classifyDatabaseError(new Error('anything'))).toBeUndefined();
  });
});

describe('transaction preamble (pooler-safe session settings)', () => {
  it('sets the isolation level and, when known, every timeout and the time zone with SET LOCAL, in one statement', () => {
    expect(transactionPreamble('READ COMMITTED', undefined)).toBe('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    expect(transactionPreamble('SERIALIZABLE', { statementTimeoutMs: 10_000, lockTimeoutMs: 5_000, idleInTransactionTimeoutMs: 0 })).toBe(
      'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SET LOCAL statement_timeout = 10000; SET LOCAL lock_timeout = 5000; ' +
        "SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL TimeZone = 'UTC'",
    );
  });

  it('refuses anything that is not a known isolation level or an integer', () => {
    expect(() => transactionPreamble('READ COMMITTED; DROP TABLE users' as never, undefined)).toThrow();
    expect(() =>
      transactionPreamble('READ COMMITTED', { statementTimeoutMs: 1.5, lockTimeoutMs: 0, idleInTransactionTimeoutMs: 0 }),
    ).toThrow();
  });
});

describe('WAL positions', () => {
  it('parse, compare and print', () => {
    const a = parseLsn('16/B374D848')!;
    expect(a).toBe((0x16n << 32n) + 0xb374d848n);
    expect(formatLsn(a)).toBe('16/B374D848');
    expect(maxLsn(a, parseLsn('17/0'))).toBe(parseLsn('17/0'));
    expect(maxLsn(undefined, a)).toBe(a);
    expect(parseLsn('not an lsn')).toBeUndefined();
  });
});

describe('options', () => {
  it('applies defaults and names a bad option', () => {
    const settings = new LinguaSettings({ database: { url: 'postgres://x' } });
    expect(settings.sessionTimeouts).toEqual({ statementTimeoutMs: 10_000, lockTimeoutMs: 5_000, idleInTransactionTimeoutMs: 30_000 });
    expect(settings.replicas).toMatchObject({ urls: undefined, maxLagBytes: 16 * 1024 * 1024, probeIntervalMs: 200 });
    expect(new LinguaSettings().sessionTimeouts).toBeUndefined();
    expect(() => new LinguaSettings({ replicas: { probeIntervalMs: 0 } })).toThrow(LinguaOptionsError);
    expect(() => new LinguaSettings({ replicas: { urls: [''] } })).toThrow(/replicas.urls/);
    expect(() => new LinguaSettings({ database: { pooler: 'session' as never } })).toThrow(/database.pooler/);
    expect(() => new LinguaSettings({ cache: { keyPrefix: 'a b' } })).toThrow(/keyPrefix/);
    expect(() => new LinguaSettings({ transaction: { clsTransactionHost: true } as never })).toThrow(
      /option transaction must be a function/,
    );
  });

  it('issue 21: validates the host-fit options (learner, roles, errors, errorBody, metrics, openApi) and defaults them', () => {
    const settings = new LinguaSettings();
    expect(settings).toMatchObject({ errors: 'lingua', securityScheme: 'bearer', defaultMetrics: false, learner: undefined });
    expect(() => new LinguaSettings({ learner: 'user.id' as never })).toThrow(/option learner must be a function/);
    expect(() => new LinguaSettings({ roles: ['author'] as never })).toThrow(/option roles must be a function/);
    expect(() => new LinguaSettings({ errors: 'nest' as never })).toThrow(/option errors must be 'lingua' or 'host'/);
    expect(() => new LinguaSettings({ errors: 'host', errorBody: (e) => e })).toThrow(/errorBody applies to errors: 'lingua'/);
    expect(() => new LinguaSettings({ metrics: { registry: {} as never } })).toThrow(/metrics.registry/);
    expect(() => new LinguaSettings({ openApi: { securityScheme: 'my scheme' } })).toThrow(/openApi.securityScheme/);
    expect(new LinguaSettings({ openApi: { securityScheme: 'jwt' } }).securityScheme).toBe('jwt');
  });
});

describe('statement normalisation for logs and metrics', () => {
  it('drops literals and parameters, keeps the shape', () => {
    expect(normaliseSql(`SELECT pg_sleep(0.01), 'secret' AS x, $1 AS n`)).toBe('SELECT pg_sleep(?), ? AS x, ? AS n');
    expect(statementKind('  update t set x = 1')).toBe('UPDATE');
    expect(statementKind('/* lingua:prepare */ SELECT 1')).toBe('SELECT');
    expect(statementKind('-- note\n  /* a */ /* b */ INSERT INTO t VALUES (1)')).toBe('INSERT');
  });
});

describe('spaced repetition (FSRS)', () => {
  const fresh = {
    dueAt: new Date('2026-01-01T00:00:00Z'),
    stability: 0,
    difficulty: 0,
    reps: 0,
    lapses: 0,
    state: 0,
    learningSteps: 0,
    lastReviewedAt: null,
  };
  it('an easy first answer schedules the card days ahead; again keeps it due soon', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const easy = scheduleReview(fresh, 4, now);
    const again = scheduleReview(fresh, 1, now);
    expect(easy.dueAt.getTime() - now.getTime()).toBeGreaterThan(24 * 3600 * 1000);
    expect(again.dueAt.getTime() - now.getTime()).toBeLessThan(24 * 3600 * 1000);
    expect(easy.reps).toBe(1);
    expect(easy.lastReviewedAt).toBe(now);
    expect(isCorrect(1)).toBe(false);
    expect(isCorrect(3)).toBe(true);
    expect(masteryOf(0, 0)).toBe(0);
  });
});

describe('lesson plan compiler', () => {
  it('compiles a valid plan and totals its steps', () => {
    const plan = compileLessonPlan({
      objectives: ['greet'],
      steps: [
        { id: 'a', type: 'presentation', title: 'Hello', durationMinutes: 5 },
        { id: 'b', type: 'quiz', title: 'Check', durationMinutes: 10, dependsOn: ['a'] },
      ],
    });
    expect(plan).toMatchObject({ stepCount: 2, totalMinutes: 15 });
  });

  it('rejects a step that depends on a later one, with the field named', () => {
    try {
      compileLessonPlan({
        objectives: ['x'],
        steps: [
          { id: 'a', type: 'quiz', title: 'A', durationMinutes: 5, dependsOn: ['b'] },
          { id: 'b', type: 'quiz', title: 'B', durationMinutes: 5 },
        ],
      });
      throw new Error('not rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(PlanRejected);
      expect((err as PlanRejected).problems.map((p) => p.field)).toContain('lessonPlan.steps.0.dependsOn');
    }
  });
});

describe('withTimeLimit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers with the work when it settles first, else with the fallback (or what it throws)', async () => {
    await expect(withTimeLimit(Promise.resolve('done'), 100, () => 'late')).resolves.toBe('done');
    const never = new Promise<string>(() => undefined);
    const fallback = withTimeLimit(never, 100, () => 'fallback');
    jest.advanceTimersByTime(100);
    await expect(fallback).resolves.toBe('fallback');
    const thrown = withTimeLimit(never, 100, () => {
      throw new Error('no answer');
    });
    jest.advanceTimersByTime(100);
    await expect(thrown).rejects.toThrow('no answer');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('backoffMs', () => {
  it('doubles from the base, stops at the cap, and jitters within [½, 1½) of the step', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, { baseMs: 100, maxMs: 2_000 }))).toEqual([100, 200, 400, 800, 1_600, 2_000]);
    for (let i = 0; i < 100; i++) {
      const d = backoffMs(3, { baseMs: 20, jitter: true });
      expect(d).toBeGreaterThanOrEqual(40);
      expect(d).toBeLessThan(120);
    }
  });
});
