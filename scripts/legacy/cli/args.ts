import { parseArgs } from 'node:util';
import { DEFAULT_SERVER_URL } from '../database';
import { withDatabase } from '../../lib/scratch-postgres';

type Spec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

/** Parses `--name value` options; `--help` prints `usage` and exits. */
export function cliOptions<S extends Spec>(usage: string, spec: S) {
  const { values } = parseArgs({ options: { ...spec, help: { type: 'boolean' } }, allowPositionals: false }) as {
    values: Record<string, unknown>;
  };
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values as { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined };
}

/** --database-url, else DATABASE_URL; `fallbackDb` names a database on the default server when neither is given. */
export function databaseUrl(given: string | undefined, fallbackDb?: string): string {
  const url = given ?? process.env.DATABASE_URL;
  if (url) return url;
  if (!fallbackDb) throw new Error('pass --database-url postgres://… (or set DATABASE_URL)');
  return withDatabase(DEFAULT_SERVER_URL, fallbackDb);
}

/** `lingua_legacy_s1`, `lingua_legacy_s0_1`, … */
export const legacyDatabaseName = (scale: number) => `lingua_legacy_s${String(scale).replace('.', '_')}`;

/** Runs `main`, prints an error's message, and exits with its code (1 on error). */
export function run(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
