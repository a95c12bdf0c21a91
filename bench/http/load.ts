import type { RequestSpec, Route } from './routes';

// autocannon ships no types; this is the part of its API the benchmark uses.
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}
type AutocannonRequest = Partial<RequestSpec> & { setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers: any makes the window suspect. */
  failures: number;
  /** The server process's CPU time per request (user + system): unlike req/s, barely moved by other load. */
  cpuUsPerRequest: number;
}

/** One timed window of `route` against `baseUrl`: `connections` keep-alive connections, no pipelining. */
export async function runLoad(
  server: { url: string; cpuMs(): number },
  route: Route,
  { connections, seconds }: { connections: number; seconds: number },
): Promise<LoadResult> {
  const request: AutocannonRequest = { setupRequest: (req) => ({ ...req, ...route.next() }) };
  const cpuBefore = server.cpuMs();
  const result = await autocannon({ url: server.url, connections, duration: seconds, pipelining: 1, timeout: 10, requests: [request] });
  const cpuMs = server.cpuMs() - cpuBefore;
  return {
    cpuUsPerRequest: (cpuMs * 1000) / Math.max(result.requests.total, 1),
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/** One request, answered as JSON (the correctness check and cache priming). */
export async function send(baseUrl: string, spec: RequestSpec, attempts = 3): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(baseUrl + spec.path, { method: spec.method, headers: spec.headers, body: spec.body });
  } catch (err) {
    // A pooled keep-alive socket the server closed as it was reused: try again on a new one.
    if (attempts <= 1) throw err;
    return send(baseUrl, spec, attempts - 1);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, body };
}
