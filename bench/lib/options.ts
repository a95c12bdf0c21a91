/**
 * `npm run bench -- [--quick] [--rounds N] [--round-ms N] [--scenario name[,name…]]`; the same
 * settings from the environment: BENCH_QUICK=1, BENCH_ROUNDS, BENCH_ROUND_MS, BENCH_SCENARIO.
 */
export interface BenchOptions {
  quick: boolean;
  rounds: number;
  roundMs: number;
  warmup: number;
  /** Scenario name filters (prefix match); empty = all. */
  scenarios: string[];
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (name === 'quick' || name === 'help') flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined) flags.set(name, argv[++i]);
    else throw new Error(`--${name} needs a value`);
  }
  if (flags.has('help')) {
    console.log('npm run bench -- [--quick] [--rounds N] [--round-ms N] [--scenario name[,name…]]');
    process.exit(0);
  }
  for (const name of flags.keys()) {
    if (!['quick', 'rounds', 'round-ms', 'scenario'].includes(name)) throw new Error(`Unknown option --${name}`);
  }
  const quick = flags.has('quick') || ['1', 'true', 'yes'].includes(String(env.BENCH_QUICK ?? '').toLowerCase());
  const int = (value: string | true | undefined, fallback: number, name: string) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${String(value)}`);
    return n;
  };
  const scenarioArg = flags.get('scenario') ?? env.BENCH_SCENARIO;
  return {
    quick,
    rounds: int(flags.get('rounds') ?? env.BENCH_ROUNDS, quick ? 3 : 25, 'rounds'),
    roundMs: int(flags.get('round-ms') ?? env.BENCH_ROUND_MS, quick ? 20 : 150, 'round-ms'),
    warmup: quick ? 2 : 5,
    scenarios:
      typeof scenarioArg === 'string' && scenarioArg
        ? scenarioArg
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
  };
}
