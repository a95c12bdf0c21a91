import { HTTP_SIZES, HttpSizeLabel } from '../data';
import { readFlags } from '../lib/flags';

/**
 * `npm run bench:http -- [--size 10k|100k|1m] [-c 32] [--rounds 3] [--seconds 5] [--warmup 2]
 *   [--learners 200] [--route name,…] [--shape hot,spread] [--no-redis] [--fresh] [--profile]
 *   [--host-env K=V,…] [--host-entry file.js]`
 */
export const SHAPES = ['hot', 'spread'] as const;
/** hot: one learner (the busiest) sends every per-learner request; spread: round-robin over --learners. */
export type TrafficShape = (typeof SHAPES)[number];

export interface HttpBenchOptions {
  size: HttpSizeLabel;
  connections: number;
  rounds: number;
  /** Length of one timed window (one route on one server). */
  seconds: number;
  /** Untimed load per route and server before its first round. */
  warmupSeconds: number;
  learners: number;
  routes: string[];
  shapes: TrafficShape[];
  /** The hosts share the machine's Redis (REDIS_URL=redis://127.0.0.1:6379, or BENCH_REDIS_URL), as several instances would; false: in-memory cache. */
  redis: boolean;
  fresh: boolean;
  /** Run the reference host under `node --cpu-prof` (profiles in bench/reports/profiles/). */
  profile: boolean;
  /** Extra environment for the reference host (experiments such as LOG_LEVEL=silent; a partial run). */
  hostEnv: Record<string, string>;
  /** Another entry file for the host instead of the start script's (experiments, e.g. another platform; a partial run). */
  hostEntry?: string;
}

const USAGE =
  'npm run bench:http -- [--size 10k|100k|1m] [-c 32] [--rounds 3] [--seconds 5] [--warmup 2] [--learners 200] [--route name,…] [--shape hot,spread] [--no-redis] [--fresh] [--profile] [--host-env K=V,…] [--host-entry file.js]';
const FLAGS = [
  'size',
  'c',
  'connections',
  'rounds',
  'seconds',
  'warmup',
  'learners',
  'route',
  'shape',
  'no-redis',
  'fresh',
  'profile',
  'host-env',
  'host-entry',
  'help',
];
const BOOLEAN = ['fresh', 'profile', 'no-redis', 'help'];

export function parseHttpOptions(argv: string[]): HttpBenchOptions {
  const flags = readFlags(argv, { known: FLAGS, booleans: BOOLEAN, usage: USAGE });
  const size = String(flags.get('size') ?? '10k').toLowerCase();
  if (!(size in HTTP_SIZES)) throw new Error(`--size must be one of ${Object.keys(HTTP_SIZES).join(', ')}`);
  const int = (name: string, fallback: number) => {
    const value = flags.get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
    return n;
  };
  const route = flags.get('route');
  const shape = flags.get('shape');
  const shapes = typeof shape === 'string' ? shape.split(',').map((s) => s.trim()) : [...SHAPES];
  const unknownShape = shapes.find((s) => !(SHAPES as readonly string[]).includes(s));
  if (unknownShape) throw new Error(`--shape takes ${SHAPES.join(', ')}, got ${unknownShape}`);
  const hostEnv = flags.get('host-env');
  return {
    size: size as HttpSizeLabel,
    connections: int('c', int('connections', 32)),
    rounds: int('rounds', 3),
    seconds: int('seconds', 5),
    warmupSeconds: int('warmup', 2),
    learners: int('learners', 200),
    routes:
      typeof route === 'string'
        ? route
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    shapes: shapes as TrafficShape[],
    redis: !flags.has('no-redis'),
    fresh: flags.has('fresh'),
    profile: flags.has('profile'),
    hostEntry: typeof flags.get('host-entry') === 'string' ? (flags.get('host-entry') as string) : undefined,
    hostEnv: Object.fromEntries(typeof hostEnv === 'string' ? hostEnv.split(',').map((kv) => kv.split('=', 2) as [string, string]) : []),
  };
}
