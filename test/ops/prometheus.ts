import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The shipped rules and dashboard (ops/), as an operator loads them. */
export const RULES_FILE = resolve(__dirname, '../../ops/prometheus/lingua-core.rules.yml');
export const RULES_TEST_FILE = resolve(__dirname, '../../ops/prometheus/lingua-core.rules.test.yml');
export const DASHBOARD_FILE = resolve(__dirname, '../../ops/grafana/lingua-core.dashboard.json');
/** The rule group whose series exist only where the host configures replicas. */
export const REPLICA_GROUP = 'lingua-core-replicas';

/** Whether `command` can be run here (Debian's `prometheus` package ships `prometheus` and `promtool`). */
export function hasBinary(command: string): boolean {
  return !spawnSync(command, ['--version'], { stdio: 'ignore' }).error;
}

/**
 * Whether the Prometheus tests must run: `.ci/run` installs the package and sets
 * LINGUA_REQUIRE_PROMETHEUS=1, so there a missing binary fails instead of skipping.
 */
export function prometheusTestsEnabled(command: string): boolean {
  if (hasBinary(command)) return true;
  if (process.env.LINGUA_REQUIRE_PROMETHEUS === '1') {
    throw new Error(`LINGUA_REQUIRE_PROMETHEUS=1 but "${command}" is not installed (apt-get install -y prometheus)`);
  }
  return false;
}

export interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus on a loopback port, scraping one target every second and evaluating the rules every second. */
export class PrometheusServer {
  private output = '';
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    this.exited = once(child, 'exit');
  }

  static async start(options: { dir: string; port: number; target: string; job: string; timeoutMs: number }): Promise<PrometheusServer> {
    const config = join(options.dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(RULES_FILE)}]`,
        'scrape_configs:',
        `  - job_name: ${JSON.stringify(options.job)}`,
        '    metrics_path: /metrics',
        `    static_configs: [{ targets: [${JSON.stringify(options.target)}] }]`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(options.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${options.port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(child, `http://127.0.0.1:${options.port}`);
    await server.waitUntilReady(options.timeoutMs);
    return server;
  }

  get log(): string {
    return this.output;
  }

  /** GET an HTTP API path; rejects on a non-success status with Prometheus's error. */
  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** An instant query: the result vector, or an error naming the query. */
  async query(expr: string): Promise<PromResult[]> {
    const data = await this.api<{ resultType: string; result: PromResult[] }>('/api/v1/query', { query: expr });
    return data.result;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!exited && Date.now() < deadline) {
      if (
        await fetch(`${this.baseUrl}/-/ready`).then(
          (res) => res.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`prometheus did not become ready (${exited ? 'it exited' : 'timeout'}):\n${this.output.slice(-4000)}`);
  }

  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
