import { execFileSync, spawnSync } from 'node:child_process';
import { freePort } from '../../scripts/lib/free-port';

/** True when `redis-server` can be run here (tests that need a private Redis skip otherwise). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;
}

/**
 * A `redis-server` of one test file's own, on a free port, with no persistence: the test may stop it,
 * restart it and make it refuse writes without touching the shared Redis at REDIS_URL.
 */
export class PrivateRedis {
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and returns once it answers PING. */
  async restart(): Promise<void> {
    execFileSync('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--logfile',
      '',
    ]);
    // Readiness by polling, not by a time bound: a daemonized server answers within its start-up.
    for (let attempt = 0; this.cli('PING') !== 'PONG'; attempt++) {
      if (attempt > 200) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Redis answers reads but refuses every write (`OOM command not allowed`), a real failure mode. */
  refuseWrites(): void {
    this.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    this.cli('CONFIG', 'SET', 'maxmemory', '1');
  }

  acceptWrites(): void {
    this.cli('CONFIG', 'SET', 'maxmemory', '0');
  }

  /** Back to a running server that accepts writes, whatever a test left it in. */
  async heal(): Promise<void> {
    if (this.cli('PING') !== 'PONG') await this.restart();
    this.acceptWrites();
  }

  stop(): void {
    this.cli('SHUTDOWN', 'NOSAVE');
  }

  /** Runs one command through redis-cli; '' when the server does not answer. */
  cli(...args: string[]): string {
    const result = spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' });
    return (result.stdout ?? '').trim();
  }
}
