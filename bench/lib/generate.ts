import { Client } from 'pg';
import { countRows, GenerationStep, RowCounts } from '../data';
import { progressBar } from './progress';

/** Runs the generation steps in one session (one random seed) with a progress bar; returns the row counts. */
export async function generateData(
  url: string,
  steps: GenerationStep[],
  log: (line: string) => void,
): Promise<{ rows: RowCounts; pgVersion: string }> {
  const client = new Client({ connectionString: url, options: '-c statement_timeout=0' });
  client.on('error', (err) => log(`data generation connection: ${err.message}`));
  await client.connect();
  try {
    const dataBar = progressBar('data', steps.length);
    const started = Date.now();
    for (const step of steps) {
      dataBar.update({ step: step.label });
      try {
        await client.query(step.sql);
      } catch (err) {
        dataBar.stop();
        throw new Error(`data generation step "${step.label}" failed: ${(err as Error).message}`, { cause: err });
      }
      dataBar.increment();
    }
    dataBar.update({ step: `done in ${((Date.now() - started) / 1000).toFixed(1)} s` });
    dataBar.stop();
    const rows = await countRows(client);
    const [{ server_version: pgVersion }] = (await client.query<{ server_version: string }>('SHOW server_version')).rows;
    return { rows, pgVersion };
  } finally {
    await client.end().catch(() => undefined);
  }
}
