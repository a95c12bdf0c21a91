import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { adminQuery, withDatabase } from '../../scripts/lib/scratch-postgres';
import { generateLegacy } from '../../scripts/legacy/generate';
import { Inventory } from '../../scripts/legacy/inventory';
import { verifyAdopted } from '../../scripts/legacy/verify-adopted';
import { observeQueries } from '../../src/database/query-observer';
import { migrationDataSource } from '../harness/migrations';

/**
 * Issue 20: the chain is never silent. On a small generated legacy database, in batches small
 * enough that the walks last many intervals, every long walk prints rows done of its table's rows,
 * rate, elapsed and ETA, and writes the same into lingua_ops.migration_progress; a concurrent index
 * build held up by an old snapshot prints PostgreSQL's own progress counters while it waits; and a
 * step that needs more disk than is free refuses to start, changing nothing, the re-run completing.
 */
jest.setTimeout(240_000);

const LINE = /^\[lingua-core migration\] (\w+?\d{13}) (\S+): ([\d,]+) of ([\d,]+) rows \(([\d.]+)%\) · ([\d,]+) rows\/s · elapsed \S+ · eta \S+$/;
const DONE = /^\[lingua-core migration\] (\w+?\d{13}) (\S+): done, ([\d,]+) rows in (\d+) batches, /;
const num = (s: string) => Number(s.replace(/,/g, ''));

describe('issue 20: migration progress', () => {
  const admin = process.env.LINGUA_TEST_ADMIN_URL!;
  const names: string[] = [];
  const legacy = async (suffix: string): Promise<{ url: string; inventory: Inventory }> => {
    const name = `lingua_t_${process.env.LINGUA_TEST_RUN}_progress_${suffix}`;
    names.push(name);
    const url = withDatabase(admin, name);
    const { inventory } = await generateLegacy(url, { scale: 0.001, replace: true });
    return { url, inventory };
  };
  let lines: string[] = [];
  let log: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    const original = process.stderr.write.bind(process.stderr);
    log = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = String(chunk);
      if (!text.startsWith('[lingua-core migration]')) return original(chunk, ...rest);
      lines.push(...text.split('\n').filter(Boolean));
      return true;
    }) as typeof process.stderr.write);
  });
  afterEach(() => log.mockRestore());
  afterAll(async () => {
    for (const name of names) await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('reports every long walk and a waiting index build, in the log and in lingua_ops.migration_progress', async () => {
    const { url, inventory } = await legacy('walks');
    // A transaction with an old snapshot: the chain's first concurrent index build waits for it.
    const blocker = new Client({ connectionString: url });
    await blocker.connect();
    await blocker.query(`BEGIN ISOLATION LEVEL REPEATABLE READ`);
    await blocker.query(`SELECT count(*) FROM categories`);
    const ds = await migrationDataSource(url, { batchSize: 12, progressSeconds: 0.05 });
    let indexLine: string | undefined;
    try {
      const chain = ds.runMigrations({ transaction: 'each' });
      const failed = chain.then(
        () => 'the chain ended',
        (err: Error) => `the chain failed: ${err.message}`,
      );
      // Polling, not a sleep: the build prints its phase while the snapshot holds it.
      for (;;) {
        indexLine = lines.find((l) => / index \w+ on \w+: waiting for old snapshots/.test(l));
        if (indexLine) break;
        const outcome = await Promise.race([failed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
        if (outcome) throw new Error(`${outcome} before an index build waited`);
      }
      await blocker.query(`COMMIT`);
      await chain;
    } finally {
      await blocker.end();
    }
    expect(lines.filter((l) => l.includes('progress not written'))).toEqual([]);
    expect(indexLine).toMatch(/^\[lingua-core migration\] RepairUsers1763800000200 index uq_users_email on users: waiting for old snapshots, \d+ of \d+ /);

    const walks = new Map<string, Array<{ done: number; total: number; migration: string }>>();
    for (const l of lines) {
      const m = LINE.exec(l);
      if (!m) continue;
      const key = `${m[1]} ${m[2]}`;
      walks.set(key, [...(walks.get(key) ?? []), { migration: m[1], done: num(m[3]), total: num(m[4]) }]);
    }
    const vocabulary = [...walks.keys()].filter((k) => k.startsWith('RepairVocabulary1763800100000 user_vocabulary:'));
    expect(vocabulary.length).toBeGreaterThan(3);
    const rows = inventory.tables.user_vocabulary.rows;
    for (const [key, seen] of walks) {
      const dones = seen.map((s) => s.done);
      expect({ key, dones }).toEqual({ key, dones: [...dones].sort((a, b) => a - b) });
      expect(Math.max(...dones)).toBeLessThanOrEqual(seen[0].total);
    }
    // Every walk that printed ends with its done line, its rows those of the table it walked.
    const done = lines.map((l) => DONE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    for (const key of walks.keys()) expect(done.map((m) => `${m[1]} ${m[2]}`)).toContain(key);
    // The first walk over user_vocabulary (nothing moved yet) counts the legacy table's rows.
    const firstVocabularyWalk = done.find((m) => m[2].startsWith('user_vocabulary:'));
    expect(num(firstVocabularyWalk![3])).toBe(rows);

    const sql = new Client({ connectionString: url });
    await sql.connect();
    try {
      const { rows: table } = await sql.query(
        `SELECT migration, step, rows_done::int AS done, rows_total::int AS total, finished FROM lingua_ops.migration_progress WHERE finished`,
      );
      expect(table.map((r) => `${r.migration} ${r.step}`)).toEqual(expect.arrayContaining(vocabulary));
      expect(table.filter((r) => r.done !== r.total)).toEqual([]);
    } finally {
      await sql.end();
      await ds.destroy();
    }
    expect((await verifyAdopted(url, inventory)).problems).toEqual([]);
  });

  it('refuses a step that needs more disk than is free, having changed nothing of it; the re-run completes', async () => {
    const { url, inventory } = await legacy('disk');
    const sent: string[] = [];
    let ds: DataSource = await migrationDataSource(url, { assumeFree: '1kB' });
    const stop = observeQueries(ds, ({ sql }) => sent.push(sql));
    let error: Error | undefined;
    try {
      await ds.runMigrations({ transaction: 'each' });
    } catch (err) {
      error = err as Error;
    } finally {
      stop();
      await ds.destroy();
    }
    expect(error?.message).toMatch(/^not enough free disk for (the index \w+|the backfill of \w+\.\w+): it needs about \d+ (kB|MB) and 1 kB is free \(lingua\.migration_assume_free\)\. Nothing of this step was changed/);
    const index = /the index (\w+)/.exec(error!.message)?.[1];
    const backfill = /the backfill of (\w+)\.(\w+)/.exec(error!.message);
    if (index) expect(sent.filter((s) => new RegExp(`CREATE (UNIQUE )?INDEX CONCURRENTLY (IF NOT EXISTS )?${index}\\b`).test(s))).toEqual([]);
    if (backfill) expect(sent.filter((s) => s.includes(`lingua-batch ${backfill[1]}:backfill ${backfill[2]}`))).toEqual([]);

    ds = await migrationDataSource(url);
    try {
      await ds.runMigrations({ transaction: 'each' });
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
    expect((await verifyAdopted(url, inventory)).problems).toEqual([]);
  });
});
