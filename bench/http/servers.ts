import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  /** CPU time (user + system) the process has used so far, in ms (Linux /proc; NaN elsewhere). */
  cpuMs(): number;
  /** Last lines of the server's stderr (for error messages). */
  tail(): string;
  stop(): Promise<void>;
}

export interface ServerEnv {
  databaseUrl: string;
  jwtSecret: string;
  port: number;
  /** Anything else (experiments only: the benchmark's figures are for the host's defaults). */
  extra?: Record<string, string>;
}

/** How the Nest servers run, as users deploy them. */
export interface DeployedAs {
  /** The server's name in the report (ours-express, bare-fastify, …). */
  name: string;
  platform: 'express' | 'fastify';
  /** stdout and stderr go here (appended), not to /dev/null: writing the request lines is part of the cost. */
  logFile: string;
  /** REDIS_URL of the shared cache (several instances share one); undefined: the in-process cache. */
  redisUrl?: string;
}

/** Settings of ours that a developer's shell may hold: the reference host runs with its defaults. */
const APP_VARIABLES =
  /^(DATABASE_URL|REDIS_URL|LOG_LEVEL|DEMO|PORT|HOST|HTTP_PLATFORM|NODE_ENV|JWT_SECRET|EMBEDDED_PG_DIR|PG[A-Z]+|DB_[A-Z_]+|CACHE_[A-Z_]+)$/;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!APP_VARIABLES.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/**
 * The reference host's start command is package.json's `start` script (its one definition; the
 * benchmark follows it when the entry point moves), run directly with this node binary so that node
 * flags such as --cpu-prof can be added. Its `prestart` (build when stale) runs first.
 */
export function hostCommand(nodeFlags: string[] = [], entry?: string): { command: string; args: string[]; prestart?: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = pkg.scripts.start;
  if (!start) throw new Error('package.json has no start script');
  const [bin, ...args] = start.trim().split(/\s+/);
  if (bin !== 'node') throw new Error(`package.json's start script must run node (it is "${start}")`);
  return {
    command: process.execPath,
    args: [...nodeFlags, ...(entry ? [entry] : args)],
    prestart: pkg.scripts.prestart ? 'prestart' : 'build',
  };
}

export function buildHost(log: (line: string) => void): void {
  const { prestart } = hostCommand();
  log(`npm run ${prestart}`);
  const result = spawnSync('npm', ['run', '--silent', prestart as string], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run ${prestart} failed`);
}

function deployedEnv(env: ServerEnv, as: DeployedAs): NodeJS.ProcessEnv {
  return cleanEnv({
    NODE_ENV: 'production',
    HTTP_PLATFORM: as.platform,
    ...(as.redisUrl ? { REDIS_URL: as.redisUrl } : {}),
    ...env.extra,
    DATABASE_URL: env.databaseUrl,
    JWT_SECRET: env.jwtSecret,
    PORT: String(env.port),
  });
}

/** The reference host as `npm start` runs it, with its defaults and logging at info to nowhere (bench:scaling). */
export function startHost(env: ServerEnv, nodeFlags: string[] = [], entry?: string): Promise<RunningServer> {
  const { command, args } = hostCommand(nodeFlags, entry);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: cleanEnv({ ...env.extra, DATABASE_URL: env.databaseUrl, JWT_SECRET: env.jwtSecret, PORT: String(env.port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return running('ours', child, env.port);
}

/** The reference host as users deploy it (`npm start`, NODE_ENV=production, `as`), logging at info into `as.logFile`. */
export function startDeployedHost(env: ServerEnv, as: DeployedAs, nodeFlags: string[] = [], entry?: string): Promise<RunningServer> {
  const { command, args } = hostCommand(nodeFlags, entry);
  const out = fs.openSync(as.logFile, 'a');
  const child = spawn(command, args, { cwd: ROOT, env: deployedEnv(env, as), stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return running(as.name, child, env.port, as.logFile);
}

/** bench/http/bare-nest.ts: Nest on the same platform with the host's logging and guard, no lingua-core. */
export function startBareNest(env: ServerEnv, as: DeployedAs): Promise<RunningServer> {
  const out = fs.openSync(as.logFile, 'a');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'bare-nest.ts')], {
    cwd: ROOT,
    env: { ...deployedEnv(env, as), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return running(as.name, child, env.port, as.logFile);
}

export function startFloor(env: ServerEnv, nodeFlags: string[] = []): Promise<RunningServer> {
  const child = spawn(process.execPath, [...nodeFlags, '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'floor.ts')], {
    cwd: ROOT,
    env: cleanEnv({ DATABASE_URL: env.databaseUrl, JWT_SECRET: env.jwtSecret, PORT: String(env.port), TS_NODE_TRANSPILE_ONLY: 'true' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return running('floor', child, env.port);
}

/** A spawned server as a RunningServer, once it answers /health/live (its logs from `logFile`, else its stderr). */
export async function running(name: string, child: ChildProcess, port: number, logFile?: string): Promise<RunningServer> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    name,
    url,
    pid: child.pid as number,
    cpuMs: () => processCpuMs(child.pid as number),
    tail: () => (logFile ? tailOf(logFile) : stderr),
    stop: async () => {
      if (gone) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited during start-up:\n${server.tail()}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`${name} did not answer ${url}/health/live within 120 s:\n${server.tail()}`);
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The last 4,000 characters of a log file. */
function tailOf(file: string): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(Math.min(size, 4_000));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    fs.closeSync(fd);
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}
