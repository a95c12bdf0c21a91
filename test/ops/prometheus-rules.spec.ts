import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prometheusTestsEnabled, RULES_FILE, RULES_TEST_FILE } from './prometheus';

/**
 * Issue 16: the shipped Prometheus rules (ops/prometheus/) are valid, do what their unit tests say
 * (`promtool test rules` on synthetic series), and each alert has its runbook line in docs/operations.md.
 */
const rules = readFileSync(RULES_FILE, 'utf8');
const alerts = [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map(([, name]) => name);
const operations = readFileSync(resolve(__dirname, '../../docs/operations.md'), 'utf8');
const withPromtool = prometheusTestsEnabled('promtool') ? it : it.skip;

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the Prometheus rules', () => {
  it('alert on every signal of the issue, and each alert has a runbook entry its runbook_url points to', () => {
    expect(alerts).toEqual(
      expect.arrayContaining([
        'LinguaDbPoolWaiting',
        'LinguaDbPoolSaturated',
        'LinguaDbUnavailable',
        'LinguaDbTimeouts',
        'LinguaDbContention',
        'LinguaHttp5xx',
        'LinguaSlowQueries',
        'LinguaQueryLatencyHigh',
        'LinguaCacheHitRatioLow',
        'LinguaReplicaLagging',
      ]),
    );
    for (const name of alerts) {
      expect([name, operations.includes(`#### ${name}\n`)]).toEqual([name, true]);
      expect([name, rules.includes(`runbook_url: docs/operations.md#${name.toLowerCase()}\n`)]).toEqual([name, true]);
    }
  });

  withPromtool('pass `promtool check rules` (needs promtool: apt-get install prometheus)', () => {
    const { code, output } = promtool('check', 'rules', RULES_FILE);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });

  withPromtool('pass their unit tests, `promtool test rules` (needs promtool: apt-get install prometheus)', () => {
    const { code, output } = promtool('test', 'rules', RULES_TEST_FILE);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    // Every alert is exercised firing at least once by the unit tests.
    const tests = readFileSync(RULES_TEST_FILE, 'utf8');
    const firing = new Set(
      [...tests.matchAll(/alertname: (\w+)\n\s+eval_time: \S+\n\s+exp_alerts:\n\s+- exp_labels/g)].map(([, name]) => name),
    );
    expect(alerts.filter((name) => !firing.has(name))).toEqual([]);
  });
});
