import { walAdvice } from '../../migrations/lib/progress';

/** Issue 20: the advice the chain prints when max_wal_size is small for the database it adopts. */
const GB = 1024 ** 3;

describe('walAdvice', () => {
  it('says nothing while the database is at most 4× max_wal_size', () => {
    expect(walAdvice(4 * GB, 1 * GB)).toBeUndefined();
    expect(walAdvice(30 * 1024 ** 2, 1 * GB)).toBeUndefined();
  });

  it('names both sizes, a setting to use and the docs when the database is bigger', () => {
    const advice = walAdvice(10.6 * GB, 1 * GB)!;
    expect(advice).toContain('max_wal_size is 1.0 GB and the database 10.6 GB');
    expect(advice).toContain("ALTER SYSTEM SET max_wal_size = '11GB'");
    expect(advice).toContain('docs/migrations.md');
  });

  it('suggests at least 8 GB and at most 64 GB', () => {
    expect(walAdvice(5 * GB, 1 * GB)).toContain("max_wal_size = '8GB'");
    expect(walAdvice(500 * GB, 1 * GB)).toContain("max_wal_size = '64GB'");
  });
});
