import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import type { LinguaSessionTimeouts } from '../lingua-core.options';

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'];

/**
 * The first statement of every lingua-core transaction: its isolation level and, when lingua-core
 * knows them, its timeouts and time zone as `SET LOCAL` — in force on whichever server connection a
 * transaction pooler picks, and gone at COMMIT, so nothing leaks to the pooler's next client. One
 * simple-protocol round trip, the one TypeORM would spend on `SET TRANSACTION ISOLATION LEVEL` alone.
 */
export function transactionPreamble(isolation: IsolationLevel, timeouts: Required<LinguaSessionTimeouts> | undefined): string {
  if (!ISOLATION_LEVELS.includes(isolation)) throw new Error(`unknown isolation level ${isolation}`);
  const statements = [`SET TRANSACTION ISOLATION LEVEL ${isolation}`];
  if (timeouts) {
    statements.push(
      `SET LOCAL statement_timeout = ${int(timeouts.statementTimeoutMs)}`,
      `SET LOCAL lock_timeout = ${int(timeouts.lockTimeoutMs)}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${int(timeouts.idleInTransactionTimeoutMs)}`,
      `SET LOCAL TimeZone = 'UTC'`,
    );
  }
  return statements.join('; ');
}

const int = (n: number) => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${n}`);
  return n;
};

export interface SessionSettingsReport {
  /** Every setting matched outside a transaction too (direct connection, or role defaults behind a pooler). */
  inForce: boolean;
  /** What a statement outside a transaction ran with. */
  found: Record<string, string>;
  expected: Record<string, string>;
}

/**
 * What an autocommit statement on `dataSource` runs with, against what lingua-core expects. Behind a
 * transaction pooler no startup parameter can carry them: only role or database defaults
 * (`ALTER ROLE … SET`) reach every server connection; this check says whether they are there.
 */
export async function checkSessionSettings(
  dataSource: DataSource,
  timeouts: Required<LinguaSessionTimeouts>,
): Promise<SessionSettingsReport> {
  const [row] = await dataSource.query(
    `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
            current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
            current_setting('TimeZone') AS "TimeZone"`,
  );
  const expected: Record<string, string> = {
    statement_timeout: pgMs(timeouts.statementTimeoutMs),
    lock_timeout: pgMs(timeouts.lockTimeoutMs),
    idle_in_transaction_session_timeout: pgMs(timeouts.idleInTransactionTimeoutMs),
    TimeZone: 'UTC',
  };
  const found = row as Record<string, string>;
  const inForce = Object.entries(expected).every(([name, value]) => normalise(found[name]) === normalise(value));
  return { inForce, found, expected };
}

/** Logs, once at start-up, what autocommit statements run with and how to make the timeouts hold for them. */
export function reportSessionSettings(report: SessionSettingsReport, logger: Logger): void {
  if (report.inForce) return;
  const fix = Object.entries(report.expected)
    .map(([name, value]) => `ALTER ROLE current_user SET ${name} = '${value}';`)
    .join(' ');
  // What was measured is the settings, not the kind of connection: a direct connection without
  // lingua's startup options looks the same as a pooler here, so the message names both remedies.
  logger.warn(
    `statements outside a transaction run with ${JSON.stringify(report.found)}, not ${JSON.stringify(report.expected)} ` +
      "(lingua-core's own transactions set theirs with SET LOCAL): neither the connection's startup options nor role or database " +
      'defaults set them. On a direct connection, spread buildDataSourceOptions({ … }) into your connection options (its ' +
      `extra.options), or set role defaults — behind a transaction pooler only those reach every server connection: ${fix}`,
  );
}

/** PostgreSQL prints durations in its own units (`10s`, `5000ms`, `0`): compare in milliseconds; `Etc/UTC` is `UTC`. */
function normalise(value: string | undefined): string {
  if (value && /^(Etc\/)?(UTC|UCT|Universal|Zulu)$/i.test(value)) return 'UTC';
  const match = /^(\d+)(ms|s|min|h|d)?$/.exec(value ?? '');
  if (!match) return value ?? '';
  const factor = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return String(Number(match[1]) * factor);
}

const pgMs = (ms: number) => (ms === 0 ? '0' : `${ms}ms`);
