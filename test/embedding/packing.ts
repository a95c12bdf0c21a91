import { cp, lstat, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { run, runOk } from './processes';

export const REPO_ROOT = resolve(__dirname, '../..');
export const EXAMPLE_DIR = join(REPO_ROOT, 'examples/monolith');
export const TEAM_HOST_DIR = join(REPO_ROOT, 'examples/team-host');

export interface PackedTarball {
  path: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

/** Top-level entries neither built nor shipped (the staging copy resolves the checkout's node_modules). */
const NOT_PACKED_FROM = new Set(['node_modules', '.git', '.data', 'dist', 'coverage', 'bench', 'examples']);

/**
 * `npm pack` of the working tree into `destination`. It packs a private copy of the sources (under
 * .data/, so the checkout's node_modules resolve) whose `prepare` script builds its own dist/, as for
 * a git install: two suites packing at once, or one packing while another runs the checkout's dist/,
 * never see a dist/ half rebuilt.
 */
export async function packLinguaCore(destination: string): Promise<PackedTarball> {
  await mkdir(join(REPO_ROOT, '.data'), { recursive: true });
  const staging = await mkdtemp(join(REPO_ROOT, '.data', 'pack-'));
  try {
    for (const entry of await readdir(REPO_ROOT)) {
      if (NOT_PACKED_FROM.has(entry)) continue;
      await cp(join(REPO_ROOT, entry), join(staging, entry), { recursive: true, filter: (src) => !src.endsWith('/node_modules') });
    }
    // The bundled dependencies (package.json bundleDependencies) are packed from node_modules.
    await symlink(join(REPO_ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
    const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', destination], { cwd: staging });
    // Lifecycle scripts print to stdout before the JSON.
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Array<{
      filename: string;
      size: number;
      unpackedSize: number;
      files: Array<{ path: string }>;
    }>;
    return {
      path: join(destination, packed.filename),
      size: packed.size,
      unpackedSize: packed.unpackedSize,
      files: packed.files.map((f) => f.path),
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Copies an example's sources (no node_modules, build output or bundle). */
export async function copyExample(destination: string, source = EXAMPLE_DIR): Promise<void> {
  await cp(source, destination, { recursive: true, filter: (src) => !/[\\/](node_modules|dist|bundle)$/.test(src) });
}

/** Copies the example (sources only) and installs it with `lingua-core` taken from `tarball`. */
export async function installExample(tarball: string, destination: string): Promise<{ stderr: string }> {
  await copyExample(destination);
  await runOk('npm', ['pkg', 'set', `dependencies.lingua-core=file:${tarball}`], { cwd: destination });
  const { stderr } = await runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: destination });
  return { stderr };
}

/** Bytes of the files under `path` (symlinks not followed), skipping directories named in `skip`. */
export async function directorySize(path: string, skip: string[] = []): Promise<number> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of await readdir(path)) {
    if (!skip.includes(entry)) total += await directorySize(join(path, entry), skip);
  }
  return total;
}

interface LsNode {
  path?: string;
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/**
 * Bytes of node_modules that are there only because of `lingua-core`: the package and every package
 * reachable from it but not from the app's other dependencies (peers are the app's own).
 */
export async function sizeAddedBy(appDir: string, dependency: string): Promise<number> {
  const { stdout } = await run('npm', ['ls', '--all', '--long', '--json'], { cwd: appDir });
  const root = JSON.parse(stdout) as LsNode;
  const collect = (node: LsNode, into: Set<string>) => {
    for (const child of Object.values(node.dependencies ?? {})) {
      if (!child.path || into.has(child.path)) continue;
      into.add(child.path);
      collect(child, into);
    }
  };
  const withIt = new Set<string>();
  collect(root, withIt);
  const without = new Set<string>();
  collect({ dependencies: Object.fromEntries(Object.entries(root.dependencies ?? {}).filter(([name]) => name !== dependency)) }, without);
  let total = 0;
  // A package's own node_modules holds other packages, counted (or not) on their own.
  for (const path of withIt) if (!without.has(path)) total += await directorySize(path, ['node_modules']);
  return total;
}

/** Every installed package of the app, by install location (relative to the app) → version. */
export async function resolvedVersions(appDir: string): Promise<Map<string, string>> {
  const { stdout } = await run('npm', ['ls', '--all', '--long', '--json'], { cwd: appDir });
  const found = new Map<string, string>();
  // A package shows up once in full and elsewhere as a "deduped" stub without its dependencies.
  const expanded = new Set<string>();
  const walk = (node: LsNode) => {
    for (const child of Object.values(node.dependencies ?? {})) {
      const where = child.path && relative(appDir, child.path);
      if (!where || !child.version) continue;
      found.set(where, child.version);
      if (!child.dependencies || expanded.has(where)) continue;
      expanded.add(where);
      walk(child);
    }
  };
  walk(JSON.parse(stdout) as LsNode);
  return found;
}
