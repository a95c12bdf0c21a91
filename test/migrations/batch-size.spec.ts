import { DataSource, QueryRunner } from 'typeorm';
import { migrationBatchSize } from '../../migrations/lib/v1/session';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { migrationDataSource } from '../harness/migrations';

/**
 * The repair migrations' batch size is a setting of the session they run in (no process state):
 * what buildDataSourceOptions' `migrationBatchSize` sends at connect, what a `SET` gives, 5,000 when
 * unset, and a migration failure for anything but a positive integer.
 */
describe('the migrations batch size, from the session setting lingua.migration_batch_size', () => {
  let db: { name: string; url: string };
  const sources: DataSource[] = [];
  const session = async (batchSize?: number): Promise<QueryRunner> => {
    const ds = await migrationDataSource(db.url, { batchSize });
    sources.push(ds);
    return ds.createQueryRunner();
  };

  beforeAll(async () => {
    db = await createEmptyDatabase();
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await dropDatabase(db.name);
  });

  it('is 5,000 when nothing sets it, and what the DataSource options send otherwise', async () => {
    expect(await migrationBatchSize(await session())).toBe(5_000);
    expect(await migrationBatchSize(await session(12))).toBe(12);
  });

  it('follows the session: SET and RESET', async () => {
    const qr = await session(12);
    await qr.query(`SET lingua.migration_batch_size = 300`);
    expect(await migrationBatchSize(qr)).toBe(300);
    await qr.query(`RESET lingua.migration_batch_size`);
    expect(await migrationBatchSize(qr)).toBe(12);
  });

  it('fails on anything but a positive integer', async () => {
    const qr = await session();
    for (const bad of ['0', '-5', 'many', '2.5']) {
      await qr.query(`SET lingua.migration_batch_size = '${bad}'`);
      await expect(migrationBatchSize(qr)).rejects.toThrow(/lingua.migration_batch_size must be a positive integer/);
    }
  });

  it('is refused by buildDataSourceOptions when not a positive integer', async () => {
    await expect(migrationDataSource(db.url, { batchSize: 0 })).rejects.toThrow(/positive integer/);
  });
});
