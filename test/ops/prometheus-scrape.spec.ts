import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '../harness/context';
import { HostTestContext } from '../host/host-context';
import { freePort } from '../embedding/processes';
import { DASHBOARD_FILE, pollUntil, PrometheusServer, prometheusTestsEnabled, REPLICA_GROUP } from './prometheus';

/**
 * Issue 16: the shipped rules and dashboard load for real. A real Prometheus (loopback, free port)
 * scrapes the reference host's /metrics every second while a short load runs; then every rule has
 * evaluated without error, every rule's signal and every dashboard query returns series.
 *
 * Except the replica rules and panels: this host has no replica, so lingua_db_replica_* and
 * lingua_db_reads_total do not exist here — they are only checked to evaluate without error
 * (their values are unit-tested with promtool on synthetic series, ops/prometheus/lingua-core.rules.test.yml).
 */
const JOB = 'lingua-core';
const describeWithPrometheus = prometheusTestsEnabled('prometheus') ? describe : describe.skip;

interface Rule {
  type: 'recording' | 'alerting';
  name: string;
  query: string;
  health: string;
  lastError?: string;
}
interface Group {
  name: string;
  rules: Rule[];
}
interface Panel {
  title: string;
  type: string;
  panels?: Panel[];
  targets?: Array<{ expr: string }>;
}

/** What a panel query means with the dashboard's variables filled in as Grafana would. */
const substitute = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.+');
const isReplicaQuery = (expr: string) => /lingua_db_replica_|lingua_db_reads|_replica:|_target_reason:/.test(expr);

/** An alert's expression is `<signal> <comparison> <number>` (a convention of the rules file): its signal. */
function alertSignal(rule: Rule): string | undefined {
  const m = /^(.*\S)\s*(?:>|<|>=|<=|==|!=)\s*(\S+)$/s.exec(rule.query.trim());
  return m && Number.isFinite(Number(m[2])) ? m[1] : undefined;
}

describeWithPrometheus('a real Prometheus scraping the reference host (needs the prometheus binary: apt-get install prometheus)', () => {
  let ctx: TestContext;
  let prometheus: PrometheusServer | undefined;
  let dir: string;
  let baseUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lingua-prometheus-'));
    ctx = await HostTestContext.create();
    await ctx.app.listen(0, '127.0.0.1');
    const { port } = ctx.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    prometheus = await PrometheusServer.start({ dir, port: await freePort(), target: `127.0.0.1:${port}`, job: JOB, timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await ctx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  /** One round of a learner's and an author's traffic: cached catalogue reads (misses then hits), a 401, a 404. */
  async function loadRound(learner: string): Promise<void> {
    const get = (path: string, token?: string) =>
      fetch(baseUrl + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} }).then((res) => res.arrayBuffer());
    await Promise.all([
      get('/api/categories'),
      get('/api/words?page=1&perPage=5'),
      get('/api/me', learner),
      get('/api/me/vocabulary/stats', learner),
      get('/api/me/vocabulary?limit=5', learner),
      get('/api/me'),
      get('/api/words/999999999'),
    ]);
  }

  it('evaluates every rule without error, and every rule and dashboard panel query returns series', async () => {
    const learner = await ctx.newLearner();
    const dashboard = JSON.parse(await readFile(DASHBOARD_FILE, 'utf8')) as {
      panels: Panel[];
      annotations: { list: Array<{ expr?: string }> };
    };
    const panels = dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
    const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: substitute(t.expr) })));
    expect(queries.length).toBeGreaterThanOrEqual(15);

    let report: Record<string, string[]> = {};
    const check = async (): Promise<boolean> => {
      await loadRound(learner.token);
      const { activeTargets } = await prometheus!.api<{ activeTargets: Array<{ health: string; lastError: string }> }>('/api/v1/targets');
      const { groups } = await prometheus!.api<{ groups: Group[] }>('/api/v1/rules');
      report = {
        targetsNotUp: activeTargets.filter((t) => t.health !== 'up').map((t) => `${t.health} ${t.lastError}`),
        rulesNotOk: [],
        errors: [],
        noSeries: [],
        notComparisons: [],
      };
      for (const group of groups) {
        for (const rule of group.rules) {
          if (rule.health !== 'ok') report.rulesNotOk.push(`${rule.name}: ${rule.health} ${rule.lastError ?? ''}`);
          const signal = rule.type === 'recording' ? rule.name : alertSignal(rule);
          if (!signal) {
            report.notComparisons.push(`${rule.name}: ${rule.query}`);
            continue;
          }
          for (const expr of rule.type === 'alerting' ? [rule.query, signal] : [signal]) {
            const result = await prometheus!
              .query(expr)
              .catch((err: Error) => (report.errors.push(`${rule.name}: ${err.message}`), undefined));
            // Replica rules: no replica in this test, so no series (see the file comment).
            if (result && result.length === 0 && expr === signal && group.name !== REPLICA_GROUP)
              report.noSeries.push(`rule ${rule.name}: ${signal}`);
          }
        }
      }
      for (const { title, expr } of queries) {
        const result = await prometheus!
          .query(expr)
          .catch((err: Error) => (report.errors.push(`panel "${title}": ${err.message}`), undefined));
        // Replica panels: no replica in this test, so no series (see the file comment).
        if (result && result.length === 0 && !isReplicaQuery(expr)) report.noSeries.push(`panel "${title}": ${expr}`);
      }
      for (const { expr } of dashboard.annotations.list) {
        if (expr) await prometheus!.query(expr).catch((err: Error) => report.errors.push(`annotation: ${err.message}`));
      }
      const ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
      if (ruleCount === 0) report.rulesNotOk.push('no rules loaded');
      return Object.values(report).every((list) => list.length === 0);
    };

    // Polls (scrape and rule evaluation run every second) while the load runs; asserts on the last round.
    await pollUntil(check, 60_000);
    expect(report).toEqual({ targetsNotUp: [], rulesNotOk: [], errors: [], noSeries: [], notComparisons: [] });
  }, 120_000);
});
