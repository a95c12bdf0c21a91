import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostCommand, running, RunningServer } from '../http/servers';

export type CapacityServer = 'ours' | 'naive' | 'floor';
const ROOT = path.resolve(__dirname, '../..');

export interface StartSettings {
  databaseUrl: string;
  jwtSecret: string;
  port: number;
  /** REDIS_URL for the reference host (undefined: its in-memory cache). */
  redisUrl?: string;
  /** stdout and stderr of the server go to this file. */
  logFile: string;
}

/**
 * Starts one server of the capacity benchmark with its logs in a file: the reference host as
 * package.json's start script runs it (bench:http's `hostCommand`, every setting at its default but
 * REDIS_URL), the floor or the naive baseline under ts-node. Only PATH, HOME and the locale are
 * inherited: a developer's DATABASE_URL, LOG_LEVEL or CACHE_* cannot leak in.
 */
export async function startServer(name: CapacityServer, s: StartSettings): Promise<RunningServer> {
  const script = { floor: path.join(ROOT, 'bench/http/floor.ts'), naive: path.join(__dirname, 'naive-server.ts') };
  const { command, args } =
    name === 'ours' ? hostCommand() : { command: process.execPath, args: ['-r', 'ts-node/register/transpile-only', script[name]] };
  const inherited = Object.fromEntries(['PATH', 'HOME', 'LANG', 'TMPDIR'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  const env = {
    ...inherited,
    DATABASE_URL: s.databaseUrl,
    JWT_SECRET: s.jwtSecret,
    PORT: String(s.port),
    ...(name === 'ours' && s.redisUrl ? { REDIS_URL: s.redisUrl } : {}),
    ...(name === 'ours' ? {} : { TS_NODE_TRANSPILE_ONLY: 'true' }),
  };
  const log = fs.openSync(s.logFile, 'a');
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return running(name, child, s.port, s.logFile);
}
