/**
 * Where a `node --cpu-prof` profile spent its time: self time by package (or Node's internals, GC,
 * idle) and the top functions, as percentages of the busy (non-idle) samples.
 *
 *   npx ts-node --transpile-only bench/http/profile-summary.ts bench/reports/profiles/CPU.….cpuprofile [--top 25]
 *     [--from 12 --to 24]   only the samples between these seconds of the profile (a loaded window, no start-up)
 *
 * "by caller" counts native and Node-internal frames (socket and file writes, GC aside) with the nearest
 * package frame above them: a `writev` lands with pg (statements) or fastify (the response), a file
 * write with pino — how docs/benchmarks.md "Write path CPU (issue 22)" groups the layers.
 */
import * as fs from 'node:fs';

interface Window {
  from: number;
  to: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `…/node_modules/@nestjs/core/…` → `@nestjs/core`; project files → `lingua-core (src/…)`. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const local = /\/(dist\/)?(src|bench)\/([^/]+)/.exec(url);
  return local ? `lingua-core ${local[2]}/${local[3]}` : url;
}

function summarise(file: string, top: number, window: Window): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at / 1e6 < window.from || at / 1e6 > window.to) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const callerPackage = (id: number, fallback: string): string => {
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const { url, functionName } = (byId.get(n) as ProfileNode).callFrame;
      if (url && !url.startsWith('node:')) return packageOf(url, functionName);
    }
    return fallback;
  };
  const byCaller = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id) as ProfileNode;
    if (callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const pkg = packageOf(callFrame.url, callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const caller = callFrame.functionName.startsWith('(') ? callFrame.functionName : callerPackage(id, 'node: (no package above)');
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${pkg}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`${file}\nbusy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s\n\nself time by package:`);
  for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
  console.log('\nself time by caller package (native and node: frames counted with the package above them):');
  for (const [name, us] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
  console.log('\nself time by function:');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const top = option('--top', 25);
const window = { from: option('--from', 0), to: option('--to', Infinity) };
if (!args.length) {
  console.error('usage: profile-summary.ts <file.cpuprofile>… [--top N] [--from s --to s]');
  process.exit(2);
}
for (const file of args) summarise(file, top, window);
