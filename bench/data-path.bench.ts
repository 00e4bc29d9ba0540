/**
 * The data path's goals (issue 13), whole processes, alternating, medians:
 * - `perfsight report` of a 1 M-row CSV (every report file written) against pandas read_csv +
 *   numpy percentiles of the same file: goal ≤ 1.0×;
 * - `perfsight compare` of two 1 M-sample report folders against pandas read_csv of both
 *   CSVs + scipy.stats.mannwhitneyu: goal ≤ 1.0×;
 * - peak RSS of `perfsight report` on 10 M rows against its 1 M figure: goal ≤ 1.5×.
 * The reference is Python (bench/reference/*.py) when python3 has pandas and scipy, else the
 * fixed JS stand-in bench/reference/js-baseline.mjs; `reference` says which.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSamplesCsv } from './_samples-files.js';
import { median, round } from './_stats.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(benchDir, '..', 'bin', 'perfsight.js');
const reference = path.join(benchDir, 'reference');
// Five: the 2-core machine is shared; of three rounds, two slowed by a neighbour set the median.
const REPETITIONS = 5;

interface Timed {
  ms: number;
  peakRssMb: number;
}

function run(command: string, args: string[], rssFile?: string): Timed {
  const start = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, PERFSIGHT_BENCH_RSS_FILE: rssFile ?? '' },
  });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${path.basename(args[2] ?? command)} failed: ${result.stderr.slice(0, 300)}`);
  }
  const peakRssMb = rssFile ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  return { ms, peakRssMb };
}

function perfsight(folder: string, args: string[]): Timed {
  const rssFile = path.join(folder, 'rss.txt');
  return run(
    process.execPath,
    ['--import', path.join(benchDir, '_peak-rss.mjs'), bin, ...args],
    rssFile,
  );
}

/**
 * A python3 with pandas and scipy: the one on PATH, else Debian's (`apt-get install
 * python3-pandas python3-scipy`), which a version manager's python3 on PATH can hide.
 */
function pythonWithPandas(): string | undefined {
  return ['python3', '/usr/bin/python3'].find(
    (python) =>
      spawnSync(python, ['-c', 'import pandas, scipy'], { encoding: 'utf8' }).status === 0,
  );
}

export default async function dataPathBench(): Promise<Record<string, unknown>> {
  const { path: first, folder } = writeSamplesCsv(1_000_000, 1);
  const { path: second } = writeSamplesCsv(1_000_000, 2, 1.02, folder);
  const python = pythonWithPandas();
  const referenceReport = (csv: string) =>
    python
      ? run(python, [path.join(reference, 'pandas_report.py'), csv])
      : run(process.execPath, [path.join(reference, 'js-baseline.mjs'), 'report', csv]);
  const referenceCompare = (a: string, b: string) =>
    python
      ? run(python, [path.join(reference, 'pandas_compare.py'), a, b])
      : run(process.execPath, [path.join(reference, 'js-baseline.mjs'), 'compare', a, b]);
  const out = (name: string) => path.join(folder, name);
  const report = (csv: string, name: string) =>
    perfsight(folder, ['report', csv, '-o', out(name), '--no-history', '--name', 'bench']);
  try {
    const times: Record<string, number[]> = {
      report: [],
      reference_report: [],
      compare: [],
      reference_compare: [],
    };
    const rss1M: number[] = [];
    report(second, 'second');
    // Round 0 warms the page cache and the compile caches; it is not counted.
    for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
      const made = report(first, `first-${repetition}`);
      const referenceMade = referenceReport(first);
      const compared = perfsight(folder, [
        'compare',
        out(`first-${repetition}`),
        out('second'),
        '-o',
        out(`compare-${repetition}`),
      ]);
      const referenceCompared = referenceCompare(first, second);
      if (repetition === 0) continue;
      times.report!.push(made.ms);
      times.reference_report!.push(referenceMade.ms);
      times.compare!.push(compared.ms);
      times.reference_compare!.push(referenceCompared.ms);
      rss1M.push(made.peakRssMb);
    }
    rmSync(first);
    rmSync(second);
    const { path: big } = writeSamplesCsv(10_000_000, 3, 1, folder);
    const rss10M = report(big, 'big').peakRssMb;
    const ms = (name: string) => median(times[name]!);
    return {
      how: `whole processes, ${REPETITIONS} alternating rounds after a warm-up round, median ms; 1 M-row CSVs (timestamp, latency_ms, success); peak RSS from process.resourceUsage()`,
      reference: python
        ? `${python}: pandas read_csv + numpy percentiles; + scipy.stats.mannwhitneyu for compare`
        : 'python3 with pandas and scipy absent: the fixed JS stand-in bench/reference/js-baseline.mjs',
      report_1M_ms: round(ms('report')),
      reference_report_1M_ms: round(ms('reference_report')),
      report_vs_reference_ratio: round(ms('report') / ms('reference_report')),
      compare_1M_ms: round(ms('compare')),
      reference_compare_1M_ms: round(ms('reference_compare')),
      compare_vs_reference_ratio: round(ms('compare') / ms('reference_compare')),
      report_peak_rss_mb_1M: round(median(rss1M)),
      report_peak_rss_mb_10M: round(rss10M),
      peak_rss_10M_vs_1M_ratio: round(rss10M / median(rss1M)),
      goals:
        'report_vs_reference_ratio ≤ 1.0, compare_vs_reference_ratio ≤ 1.0, peak_rss_10M_vs_1M_ratio ≤ 1.5',
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
