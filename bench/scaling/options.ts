import { HTTP_SIZES, HttpSizeLabel } from '../data';
import { readFlags } from '../lib/flags';

/**
 * `npm run bench:scaling -- [--size 10k|100k|1m] [--replica-size 10k|100k|1m] [--part pooler,replicas,bookkeeping]
 *   [-c 32] [--rounds 3] [--seconds 5] [--warmup 2] [--learners 200] [--vl 24] [--mix-warmup 10] [--mix-seconds 30]
 *   [--probe-ms 200,20] [--think-ms 0,250] [--fresh]`
 */
export type Part = 'pooler' | 'replicas' | 'bookkeeping';
export const PARTS: Part[] = ['pooler', 'replicas', 'bookkeeping'];

export interface ScalingOptions {
  /** Data size of part A (the machine's PostgreSQL). */
  size: HttpSizeLabel;
  /** Data size on the private primary + replica (parts B and C). */
  replicaSize: HttpSizeLabel;
  parts: Part[];
  connections: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  learners: number;
  /** Concurrent virtual learners of the learner mix (part B). */
  virtualLearners: number;
  mixWarmupSeconds: number;
  mixSeconds: number;
  /** DB_REPLICA_PROBE_INTERVAL_MS of each learner-mix run (the first is the default's). */
  probeIntervals: number[];
  /** Pause between the answer and the reads that follow it, per learner-mix run (paired with probeIntervals). */
  thinkMs: number[];
  fresh: boolean;
}

const USAGE =
  'npm run bench:scaling -- [--size 10k|100k|1m] [--replica-size 10k|100k|1m] [--part pooler,replicas,bookkeeping] [-c 32] [--rounds 3] [--seconds 5] [--warmup 2] ' +
  '[--learners 200] [--vl 24] [--mix-warmup 10] [--mix-seconds 30] [--probe-ms 200,20,200] [--think-ms 0,0,250] [--fresh]';
const FLAGS = [
  'size',
  'replica-size',
  'part',
  'c',
  'connections',
  'rounds',
  'seconds',
  'warmup',
  'learners',
  'vl',
  'mix-warmup',
  'mix-seconds',
  'probe-ms',
  'think-ms',
  'fresh',
  'help',
];
const BOOLEAN = ['fresh', 'help'];

export function parseScalingOptions(argv: string[]): ScalingOptions {
  const flags = readFlags(argv, { known: FLAGS, booleans: BOOLEAN, usage: USAGE });
  const sizeOf = (name: string, fallback: string) => {
    const size = String(flags.get(name) ?? fallback).toLowerCase();
    if (!(size in HTTP_SIZES)) throw new Error(`--${name} must be one of ${Object.keys(HTTP_SIZES).join(', ')}`);
    return size as HttpSizeLabel;
  };
  const int = (name: string, fallback: number, min = 1) => {
    const value = flags.get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${String(value)}`);
    return n;
  };
  const ints = (name: string, fallback: number[], min: number) => {
    const value = flags.get(name);
    if (typeof value !== 'string') return fallback;
    return value.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: ${s} is not an integer ≥ ${min}`);
      return n;
    });
  };
  const part = flags.get('part');
  const parts = typeof part === 'string' ? part.split(',').map((s) => s.trim()) : PARTS;
  for (const p of parts) if (!PARTS.includes(p as Part)) throw new Error(`--part: ${p} is not one of ${PARTS.join(', ')}`);
  const probeIntervals = ints('probe-ms', [200, 20, 200], 10);
  const thinkMs = ints('think-ms', [0, 0, 250], 0);
  if (thinkMs.length !== probeIntervals.length)
    throw new Error('--probe-ms and --think-ms need as many values each (one learner-mix run per pair)');
  const size = sizeOf('size', '100k');
  return {
    size,
    replicaSize: sizeOf('replica-size', size === '1m' ? '100k' : size),
    parts: parts as Part[],
    connections: int('c', int('connections', 32)),
    rounds: int('rounds', 3),
    seconds: int('seconds', 5),
    warmupSeconds: int('warmup', 2, 0),
    learners: int('learners', 200),
    virtualLearners: int('vl', 24),
    mixWarmupSeconds: int('mix-warmup', 10, 0),
    mixSeconds: int('mix-seconds', 30),
    probeIntervals,
    thinkMs,
    fresh: flags.has('fresh'),
  };
}
