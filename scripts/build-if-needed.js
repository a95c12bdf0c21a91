// `npm start` runs the built reference host; this builds it (host/tsconfig.json) first when dist/host/
// is missing or older than a source: the host, the library it mounts, the migrations, the shared tools.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist/host/main.js');

function newest(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const e of fs.readdirSync(p)) latest = Math.max(latest, newest(path.join(p, e)));
  return latest;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
const inputs = ['host', 'src', 'migrations', 'dev', 'ormconfig.ts', 'tsconfig.json', 'package.json'];
const sources = Math.max(...inputs.map((p) => newest(path.join(root, p))));
if (built < sources) {
  console.log('[lingua-core] building the reference host (tsc -p host/tsconfig.json)…');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'host/tsconfig.json')], {
    stdio: 'inherit',
  });
  fs.utimesSync(entry, new Date(), new Date());
}
