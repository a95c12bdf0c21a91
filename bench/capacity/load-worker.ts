/**
 * A load-generator thread of `npm run bench:capacity`: runs its share of the virtual learners, each a
 * closed loop (one request in flight, then think time) over keep-alive connections (undici Agent), and
 * records every request's latency in an HDR histogram (µs) that the main thread collects per window.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { Agent, request } from 'undici';
import type { CapacityFixtures, LearnerFixture } from './fixtures';
import { Call, runSession } from './session';

export interface WorkerInput {
  baseUrl: string;
  learners: LearnerFixture[];
  categories: CapacityFixtures['categories'];
  thinkMs: number;
}

export type ToWorker = { type: 'grow'; count: number; rampMs: number } | { type: 'reset' } | { type: 'collect' } | { type: 'stop' };
export type FromWorker =
  { type: 'window'; histogram: string; requests: number; errors: number; errorSamples: string[] } | { type: 'ready' } | { type: 'stopped' };

const input = workerData as WorkerInput;
const agent = new Agent({ keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 300_000_000, numberOfSignificantValueDigits: 3 });
let histogram = newHistogram();
let requests = 0;
let errors = 0;
let errorSamples: string[] = [];
let stopped = false;
const loops: Array<Promise<void>> = [];
const post = (message: FromWorker) => parentPort?.postMessage(message);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// Think time: uniform over ±50% of the mean, so learners do not move in lockstep.
const think = () => (stopped ? Promise.resolve() : sleep(input.thinkMs * (0.5 + Math.random())));

class Refused extends Error {}

async function send(learner: LearnerFixture, call: Call): Promise<unknown> {
  const started = performance.now();
  let status = 0;
  let text: string;
  try {
    const res = await request(input.baseUrl + call.path, {
      method: call.method,
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${learner.token}`,
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    text = (err as Error).message;
  }
  histogram.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
  requests++;
  if (status < 200 || status >= 300) {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`${call.method} ${call.path} → ${status || 'network error'}: ${text.slice(0, 200)}`);
    throw new Refused();
  }
  return call.method === 'POST' && call.path.endsWith('/practice-sessions') ? JSON.parse(text) : undefined;
}

async function learnerLoop(learner: LearnerFixture, delayMs: number): Promise<void> {
  await sleep(delayMs);
  for (let turn = 0; !stopped; turn++) {
    try {
      await runSession(learner, input.categories, (call) => send(learner, call), think, turn);
    } catch (err) {
      // A refused request ends the session (it was counted); the learner starts over after thinking.
      if (!(err instanceof Refused)) throw err;
      await think();
    }
  }
}

parentPort?.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'grow': {
      const start = loops.length;
      const count = Math.min(message.count, input.learners.length);
      for (let i = start; i < count; i++)
        loops.push(learnerLoop(input.learners[i], ((i - start) / Math.max(count - start, 1)) * message.rampMs));
      break;
    }
    case 'reset':
      histogram = newHistogram();
      requests = 0;
      errors = 0;
      errorSamples = [];
      break;
    case 'collect':
      post({ type: 'window', histogram: hdr.encodeIntoCompressedBase64(histogram), requests, errors, errorSamples });
      break;
    case 'stop':
      stopped = true;
      void Promise.all(loops).then(async () => {
        await agent.close();
        post({ type: 'stopped' });
      });
      break;
  }
});
post({ type: 'ready' });
