import type { QueryRunner } from 'typeorm';
import { ASSUME_FREE_SETTING, assumedFreeBytes, say, SendRows } from './progress';

/**
 * The free-disk check before the steps that write a lot (docs/migrations.md, "Free disk before the
 * steps that write a lot"). Not frozen with v1, like progress.ts: it only reads, and refuses a step
 * before the step has sent anything.
 */

/** Below this a step's disk need is not checked unless the free space was given explicitly. */
const CHECK_NEEDS_FROM_BYTES = 64 * 1024 * 1024;

/**
 * Before a step that writes a lot (`bytes`, estimated by the caller): refuses to start it when the
 * database's disk has less free space, so nothing of the step is changed. The free space is the
 * session's lingua.migration_assume_free when set, else the data directory's filesystem when this
 * process can see it (a server on this machine, a role allowed to read data_directory), else unknown
 * (said once, and the step goes on).
 */
export async function ensureDiskFor(qr: QueryRunner, what: string, bytes: number, send: SendRows): Promise<void> {
  const given = assumedFreeBytes(qr);
  if (given === undefined && bytes < CHECK_NEEDS_FROM_BYTES) return;
  const free = given ?? (await localFreeBytes(send));
  if (free === undefined) {
    if (!unknownSaid) say(`free disk space unknown (server not on this machine, or data_directory not readable): set ${ASSUME_FREE_SETTING} to have steps checked`);
    unknownSaid = true;
    return;
  }
  if (bytes > free) {
    throw new Error(
      `not enough free disk for ${what}: it needs about ${gb(bytes)} and ${gb(free)} is free${given === undefined ? ' on the data directory' : ` (${ASSUME_FREE_SETTING})`}. ` +
        `Nothing of this step was changed; free space (or set ${ASSUME_FREE_SETTING} if the server has more) and run the migrations again: they continue here.`,
    );
  }
}
let unknownSaid = false;

/**
 * What a concurrent index build writes, roughly: the table's rows × the indexed columns' average
 * width (pg_stats) plus tuple overhead, with a margin, twice (the sort's temporary files, then the
 * index). An estimate to refuse a build that cannot fit, not a promise that one will.
 */
export async function indexBuildBytes(ddl: string, send: SendRows): Promise<number> {
  const m = /\bON\s+(?:ONLY\s+)?(\w+)\s*(?:USING\s+\w+\s*)?\((.*)\)/is.exec(ddl);
  if (!m) return 0;
  const words = [...new Set(m[2].match(/[a-z_][a-z0-9_]*/gi) ?? [])];
  const [row] = await send(
    `SELECT (2 * 1.3 * greatest(c.reltuples, 0) * (24 + coalesce((SELECT sum(s.avg_width) FROM pg_stats s
              WHERE s.schemaname = 'public' AND s.tablename = $1 AND s.attname = ANY ($2::text[])), 16)))::bigint::text AS bytes
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [m[1], words],
  );
  return Number(row?.bytes ?? 0);
}

function gb(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.ceil(bytes / 1024 ** 2)} MB`;
  return `${Math.ceil(bytes / 1024)} kB`;
}

async function localFreeBytes(send: SendRows): Promise<number | undefined> {
  try {
    // Only a role allowed to read data_directory is asked for it: a refused SHOW would end a revert's transaction.
    const [row] = await send(
      `SELECT CASE WHEN pg_has_role(current_user, 'pg_read_all_settings', 'MEMBER') THEN current_setting('data_directory') END AS dir,
              inet_server_addr()::text AS addr`,
    );
    const local = row?.addr === null || row?.addr === undefined || /^(127\.|::1)/.test(row.addr);
    if (!row?.dir || !local) return undefined;
    const fs = await import('node:fs');
    if (!fs.existsSync(row.dir)) return undefined;
    const s = await fs.promises.statfs(row.dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
