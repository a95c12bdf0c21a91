import { HTTP_SIZES, HttpSizeLabel } from '../data';
import { readFlags } from '../lib/flags';
import type { CapacityServer } from './servers';

export interface CapacityOptions {
  size: HttpSizeLabel;
  thinkMs: number;
  sloMs: number;
  /** Learner counts of the ladder, ascending. */
  steps: number[];
  stepSeconds: number;
  rampSeconds: number;
  rounds: number;
  servers: CapacityServer[];
  redis: boolean;
  workers: number;
}

const USAGE =
  'npm run bench:capacity -- [--size 10k|100k|1m] [--think-ms 200] [--slo-ms 250] [--steps 5,10,20 | --start 1 --factor 1.5 --max 2000] ' +
  '[--step-seconds 20] [--ramp-seconds 5] [--rounds 2] [--servers ours,naive,floor] [--no-redis] [--workers 2]';
const FLAGS = [
  'size',
  'think-ms',
  'slo-ms',
  'steps',
  'start',
  'factor',
  'max',
  'step-seconds',
  'ramp-seconds',
  'rounds',
  'servers',
  'no-redis',
  'workers',
];
const SERVERS: CapacityServer[] = ['ours', 'naive', 'floor'];

export function parseCapacityOptions(argv: string[]): CapacityOptions {
  const flags = readFlags(argv, { known: FLAGS, booleans: ['no-redis'], usage: USAGE });
  const size = String(flags.get('size') ?? '1m').toLowerCase();
  if (!(size in HTTP_SIZES)) throw new Error(`--size must be one of ${Object.keys(HTTP_SIZES).join(', ')}`);
  const num = (name: string, fallback: number, min = 1) => {
    const value = flags.get(name);
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${String(value)}`);
    return n;
  };
  const list = (name: string) => {
    const value = flags.get(name);
    return typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  };
  const servers = (list('servers') ?? SERVERS) as CapacityServer[];
  const unknown = servers.filter((s) => !SERVERS.includes(s));
  if (unknown.length) throw new Error(`--servers: unknown ${unknown.join(', ')} (known: ${SERVERS.join(', ')})`);
  const explicit = list('steps')?.map(Number);
  if (explicit?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--steps must be positive integers');
  return {
    size: size as HttpSizeLabel,
    thinkMs: num('think-ms', 200, 0),
    sloMs: num('slo-ms', 250),
    steps: explicit
      ? [...new Set(explicit)].sort((a, b) => a - b)
      : geometricSteps(num('start', 10), num('factor', 1.5, 1.01), num('max', 2000)),
    stepSeconds: num('step-seconds', 20),
    rampSeconds: num('ramp-seconds', 5, 0),
    rounds: Math.round(num('rounds', 2)),
    servers,
    redis: !flags.has('no-redis'),
    workers: Math.round(num('workers', 2)),
  };
}

/** start, start × factor, … (rounded up, each step at least one more than the last) up to max. */
function geometricSteps(start: number, factor: number, max: number): number[] {
  const steps: number[] = [];
  for (let n = Math.round(start); n <= max; n = Math.max(n + 1, Math.ceil(n * factor))) steps.push(n);
  return steps;
}
