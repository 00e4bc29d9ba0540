/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- record memory`) one after the other and writes `bench-results.json`.
 * Each file's default export returns its figures; a bench that throws is recorded as such
 * and the others still run.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeEnvironment } from '../src/environment/index.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.bench\.ts$/, '')))
  .sort();

if (files.length === 0) {
  process.stderr.write(`perfsight bench: no benchmark matches ${wanted.join(', ')}\n`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench ${name}…\n`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(path.join(benchDir, file)).href)) as {
      default: () => Promise<Record<string, unknown>>;
    };
    results[name] = await module.default();
  } catch (error) {
    results[name] = { error: error instanceof Error ? error.message : String(error) };
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`bench ${name}: ${seconds.toFixed(1)} s\n`);
  process.stdout.write(`${name}: ${JSON.stringify(results[name], null, 2)}\n`);
}

const output = path.join(benchDir, '..', 'bench-results.json');
const document = {
  generated_at: new Date().toISOString(),
  machine: { ...describeEnvironment(), load_average: os.loadavg() },
  note: 'Shared, noisy machine: compare ratios within one run, not absolute figures across runs.',
  results,
};
writeFileSync(`${output}.tmp`, JSON.stringify(document, null, 2) + '\n');
renameSync(`${output}.tmp`, output);
process.stderr.write(`bench results written to ${output}\n`);
