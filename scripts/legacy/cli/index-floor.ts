/**
 * npm run legacy:index-floor -- --small URL --large URL [--rounds 3] [--maintenance-work-mem 64MB] [--out PREFIX]
 * The raw floor of the chain's index migrations: every index a migration of the chain builds, built
 * again by PostgreSQL alone — a plain `CREATE INDEX` of the same definition on the same (adopted) data,
 * inside a transaction that is rolled back — on a small and a large adopted database, interleaved
 * (small, large, large, small, …) for `--rounds` rounds, medians. Its ratio large/small is how
 * PostgreSQL's own index build scales on this machine: what issue 20's per-migration bound for an
 * index migration is held against. Writes PREFIX.md and PREFIX.json.
 */
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { LINGUA_MIGRATIONS } from '../../../migrations';
import type { IndexDefinition } from '../../../migrations/lib/v1/ddl';
import { printTable } from '../print-table';
import { cliOptions, run } from './args';

const USAGE = `npm run legacy:index-floor -- --small postgres://…/adopt_s1 --large postgres://…/adopt_s10 [--rounds 3] [--maintenance-work-mem 64MB] [--out bench/reports/adoption/index-floor]`;

interface Build {
  migration: string;
  index: string;
  sql: string;
}

/** Each index a migration of the chain builds concurrently, as the plain build PostgreSQL does alone. */
function chainIndexBuilds(): Build[] {
  const builds: Build[] = [];
  for (const Migration of LINGUA_MIGRATIONS) {
    const migration = new Migration() as unknown as { name: string; indexes?: IndexDefinition[] };
    for (const [index, ddl] of migration.indexes ?? []) {
      const sql = ddl.replace(/CREATE (UNIQUE )?INDEX CONCURRENTLY (IF NOT EXISTS )?\w+\s+ON/i, 'CREATE $1INDEX lingua_index_floor ON');
      if (/CONCURRENTLY/i.test(sql)) throw new Error(`${migration.name}: could not rewrite ${index}'s definition as a plain build: ${ddl}`);
      builds.push({ migration: migration.name, index, sql });
    }
  }
  return builds;
}

async function timedBuild(client: Client, sql: string): Promise<number> {
  await client.query('BEGIN');
  try {
    const started = process.hrtime.bigint();
    await client.query(sql);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await client.query('ROLLBACK');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

run(async () => {
  const opts = cliOptions(USAGE, {
    small: { type: 'string' },
    large: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'maintenance-work-mem': { type: 'string', default: '64MB' },
    out: { type: 'string', default: 'bench/reports/adoption/index-floor' },
  });
  if (!opts.small || !opts.large) throw new Error(USAGE);
  const rounds = Number(opts.rounds);
  const builds = chainIndexBuilds();
  const clients = { small: new Client({ connectionString: opts.small }), large: new Client({ connectionString: opts.large }) };
  for (const c of Object.values(clients)) {
    await c.connect();
    await c.query(`SET maintenance_work_mem = '${opts['maintenance-work-mem']!.replace(/'/g, '')}'`);
  }
  const times = new Map<string, { small: number[]; large: number[] }>();
  try {
    for (let round = 0; round < rounds; round++) {
      const order: Array<'small' | 'large'> = round % 2 ? ['large', 'small'] : ['small', 'large'];
      for (const b of builds) {
        const t = times.get(b.index) ?? { small: [], large: [] };
        for (const which of order) t[which].push(await timedBuild(clients[which], b.sql));
        times.set(b.index, t);
        process.stderr.write(
          `[index-floor] round ${round + 1}/${rounds} ${b.index}: ${t.small.at(-1)!.toFixed(2)} s / ${t.large.at(-1)!.toFixed(2)} s\n`,
        );
      }
    }
  } finally {
    for (const c of Object.values(clients)) await c.end();
  }
  const perIndex = builds.map((b) => {
    const t = times.get(b.index)!;
    return { migration: b.migration, index: b.index, small: median(t.small), large: median(t.large) };
  });
  const migrations = [...new Set(builds.map((b) => b.migration))].map((migration) => {
    const mine = perIndex.filter((p) => p.migration === migration);
    const small = mine.reduce((n, p) => n + p.small, 0);
    const large = mine.reduce((n, p) => n + p.large, 0);
    return { migration, indexes: mine.length, small, large, ratio: large / small };
  });
  const s = (n: number) => n.toFixed(2);
  let md = `# The raw floor of the chain's index builds (plain CREATE INDEX, rolled back)\n\n`;
  md += `${new Date().toISOString()}; small ${opts.small.replace(/^.*\//, '')}, large ${opts.large.replace(/^.*\//, '')}; `;
  md += `maintenance_work_mem ${opts['maintenance-work-mem']}; ${rounds} rounds interleaved, medians; load average at the end ${loadavg()[0].toFixed(1)}\n\n`;
  md += printTable(
    'Per migration (seconds, sum of its index builds)',
    migrations.map((m) => ({
      migration: m.migration,
      indexes: m.indexes,
      small: s(m.small),
      large: s(m.large),
      '× large/small': m.ratio.toFixed(1),
    })),
  );
  md += printTable(
    'Per index (seconds)',
    perIndex.map((p) => ({ index: p.index, small: s(p.small), large: s(p.large), '×': (p.large / p.small).toFixed(1) })),
  );
  fs.writeFileSync(`${opts.out}.md`, md);
  fs.writeFileSync(
    `${opts.out}.json`,
    JSON.stringify({ maintenanceWorkMem: opts['maintenance-work-mem'], rounds, migrations, perIndex }, null, 2),
  );
  console.log(`\nwrote ${opts.out}.md and ${opts.out}.json`);
});
