import { QueryFailedError } from 'typeorm';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { classifyDatabaseError } from '../../src/database/db-errors';
import { DatabaseDeadlineError, isCommit } from '../../src/database/deadline';
import { LinguaOptionsError, resolveDatabaseOptions } from '../../src/lingua-core.options';

describe('issue 22: the database deadline option', () => {
  it('defaults to statement timeout + acquire timeout, 0 without a statement timeout, and rejects bad values', () => {
    expect(resolveDatabaseOptions({}).deadlineMs).toBe(12_000);
    expect(resolveDatabaseOptions({ statementTimeoutMs: 500, acquireTimeoutMs: 300 }).deadlineMs).toBe(800);
    expect(resolveDatabaseOptions({ statementTimeoutMs: 0 }).deadlineMs).toBe(0);
    expect(resolveDatabaseOptions({ deadlineMs: 2_500 }).deadlineMs).toBe(2_500);
    expect(() => resolveDatabaseOptions({ deadlineMs: -1 })).toThrow(LinguaOptionsError);
  });

  it("reaches lingua's pg client through the pool options; migrations have none", () => {
    const extra = (role: 'app' | 'migrations') =>
      (buildDataSourceOptions({ url: 'postgres://x@127.0.0.1/db', pooler: 'none' }, { role }) as { extra: Record<string, unknown> }).extra;
    expect(extra('app').linguaDeadlineMs).toBe(12_000);
    expect(extra('migrations').linguaDeadlineMs).toBe(0);
  });

  it('maps to 503 db_unavailable, saying when the COMMIT outcome is unknown', () => {
    const during = (commit: boolean) => classifyDatabaseError(new QueryFailedError('x', [], new DatabaseDeadlineError(800, commit)));
    expect(during(false)).toMatchObject({ status: 503, code: 'db_unavailable' });
    expect(during(true)?.message).toMatch(/may or may not/);
    expect([isCommit('COMMIT'), isCommit(' commit'), isCommit('END'), isCommit('SELECT 1'), isCommit(undefined)]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
