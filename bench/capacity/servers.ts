import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostCommand, RunningServer } from '../http/servers';

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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const tail = () => {
    const text = fs.readFileSync(s.logFile, 'utf8');
    return text.slice(-3_000);
  };
  const server: RunningServer = {
    name,
    url: `http://127.0.0.1:${s.port}`,
    pid: child.pid as number,
    cpuMs: () => {
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    tail,
    stop: async () => {
      if (gone) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    if (gone) throw new Error(`${name} exited during start-up (log ${s.logFile}):\n${tail()}`);
    const live = await fetch(`${server.url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return server;
  }
  await server.stop();
  throw new Error(`${name} did not answer ${server.url}/health/live within 120 s (log ${s.logFile})`);
}
