import { Client } from 'pg';
import { Logger } from '@nestjs/common';
import type { LinguaDatabaseOptions, PoolerMode } from '../lingua-core.options';

const PROBE_TIMEOUT_MS = 4321;

/**
 * Is `url` a transaction pooler? One short connection with a startup `options` parameter: PgBouncer
 * in transaction mode refuses it (`08P01 unsupported startup parameter`), or, told to ignore it,
 * connects without applying it. A direct server applies it.
 */
export async function detectPooler(url: string | undefined): Promise<PoolerMode> {
  const client = new Client({ connectionString: url, options: `-c statement_timeout=${PROBE_TIMEOUT_MS}`, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    if (isStartupParameterRejected(err)) return 'transaction';
    throw err;
  }
  try {
    const { rows } = await client.query(`SELECT current_setting('statement_timeout') AS value`);
    return rows[0].value === `${PROBE_TIMEOUT_MS}ms` ? 'none' : 'transaction';
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function isStartupParameterRejected(err: unknown): boolean {
  // At connect time, with `options` the only unusual startup parameter, a protocol violation is the pooler refusing it.
  return (err as { code?: string } | undefined)?.code === '08P01';
}

/**
 * `options` with `pooler` decided: as given, else detected, and said when a pooler is found (naming
 * `howToSkip`, the setting that spares the probe next time).
 */
export async function resolvePooler<T extends LinguaDatabaseOptions>(options: T, howToSkip: string): Promise<T & { pooler: PoolerMode }> {
  if (options.pooler) return { ...options, pooler: options.pooler };
  const pooler = await detectPooler(options.url);
  if (pooler === 'transaction') {
    new Logger('LinguaDatabase').warn(
      `${options.url ? new URL(options.url).host : 'the database'} is a transaction pooler (it refused or ignored a startup parameter): ` +
        `session settings go per transaction. Set ${howToSkip} to skip this probe.`,
    );
  }
  return { ...options, pooler };
}
