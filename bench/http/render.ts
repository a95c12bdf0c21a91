/**
 * Re-renders the HTTP benchmark's latest report and charts from a saved per-size run, e.g. after runs
 * at several sizes, to make the 1m run the one the docs show:
 *
 *   npx ts-node --transpile-only bench/http/render.ts 1m
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCharts } from './charts';
import { HttpRun, writeHttpReport } from './report';

const REPORT_DIR = path.join(__dirname, '..', 'reports');
const size = process.argv[2] ?? '1m';
const run = JSON.parse(fs.readFileSync(path.join(REPORT_DIR, `http-${size}.json`), 'utf8')) as HttpRun;
const files = [
  ...writeHttpReport(REPORT_DIR, run, { complete: true }),
  ...writeCharts(run, REPORT_DIR, path.join(__dirname, '..', '..', 'docs')),
];
console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
