import { DataSource } from 'typeorm';
import { AppEnv } from '../config/env';
import { buildDataSourceOptions } from '../database/data-source-options';

/** Applies pending migrations with one line of progress per migration (what `npm start` runs). */
export async function runPendingMigrations(env: AppEnv, log: (line: string) => void): Promise<number> {
  const dataSource = new DataSource(buildDataSourceOptions(env, { role: 'migrations', logging: false }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`migration applied: ${m.name}`);
    return applied.length;
  } finally {
    await dataSource.destroy();
  }
}
