/**
 * Re-renders bench/reports/scaling-latest.md and scaling-latest.svg from a saved run, without
 * measuring again: `npx ts-node --transpile-only bench/scaling/render.ts 100k` (reads scaling-100k.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scalingChart } from './chart';
import { ScalingRun, writeScalingReport } from './report';

const dir = path.join(__dirname, '..', 'reports');
const size = process.argv[2] ?? '100k';
const run = JSON.parse(fs.readFileSync(path.join(dir, `scaling-${size}.json`), 'utf8')) as ScalingRun;
const files = writeScalingReport(dir, run, scalingChart(run));
console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
