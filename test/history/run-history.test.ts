import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseObjectives } from '../../src/analysis/index.js';
import { describeEnvironment } from '../../src/environment/index.js';
import {
  configHash,
  resolveBaseline,
  openHistory,
  openRunHistory,
  readEarlierRuns,
  saveRunHistory,
  type RunHistory,
} from '../../src/history/index.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import { runPipeline, type RunArtifacts } from '../../src/pipeline/index.js';
import type { RunResult } from '../../src/model/index.js';
import { tempDir } from '../_helpers.js';

/** A real recorded run of a small test whose latencies are `latencies`. */
function runOf(name: string, latencies: number[], seed = 1): RunResult {
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection();
  for (const latencyMs of latencies) collector.recordSample({ latencyMs, success: true });
  collector.endCollection();
  return {
    name,
    description: '',
    recorded: collector.recorded(),
    uncorrected: null,
    interrupted: false,
    configuration: { workload: 'synthetic', seed },
    environment: describeEnvironment(),
    workload: { kind: 'function', name },
    generatedAt: new Date(),
  };
}

/** The run's reports as `run` makes them, its trend from the history's earlier runs. */
async function reportsOf(
  history: RunHistory,
  name: string,
  latencies: number[],
  seed = 1,
): Promise<RunArtifacts> {
  return runPipeline(runOf(name, latencies, seed), {
    policy: { objectives: parseObjectives(['p95<100ms']) },
    history: await readEarlierRuns(history, name),
  });
}

const ramp = (base: number) => Array.from({ length: 40 }, (_, i) => base + (i % 10) * 0.1);

describe('the history stage of run and report', () => {
  const dir = tempDir('perfsight-run-history-');
  const previous = process.env.PERFSIGHT_HISTORY;
  afterEach(() => {
    if (previous === undefined) delete process.env.PERFSIGHT_HISTORY;
    else process.env.PERFSIGHT_HISTORY = previous;
  });

  it('fills trend_analysis from earlier runs and saves the run under its id', async () => {
    const db = join(dir, 'stage.db');
    for (let i = 0; i < 6; i++) {
      const history = (await openRunHistory(db, openHistory))!;
      const reports = await reportsOf(history, 'stage', ramp(10), i);
      expect(await saveRunHistory(history, reports, `/reports/${i}`)).toBeUndefined();
      expect(history.saved).toBe(true);
    }
    const history = (await openRunHistory(db, openHistory))!;
    const reports = await reportsOf(history, 'stage', ramp(50), 7);
    const trend = reports.analysis.trend_analysis;
    expect(trend).toMatchObject({
      insufficient_data: false,
      metric: 'p95',
      runs_considered: 6,
      latest_value: reports.summary.latency_metrics.p95_ms,
      latest_position: 'above',
    });
    expect(reports.trend).toBe(trend);
    await saveRunHistory(history, reports, '/reports/7');

    const store = await openHistory(db);
    const saved = (await store.get('latest', 'stage'))!;
    await store.close();
    expect(saved.run_id).toBe(history.runId);
    expect(saved.report_dir).toBe('/reports/7');
    expect(saved.objectives).toEqual(reports.analysis.objectives);
    expect(saved.objectives).toMatchObject([{ objective: 'p95<100ms', passed: true }]);
    expect(saved.objectives_met).toBe(true);
    expect(saved.summary).toEqual(reports.summary);
    expect(saved.latency_histogram_hdr).toBe(reports.detailed.latency_histogram_hdr);
    expect(saved.latency_histogram_hdr).toMatch(/^HISTF/);
    expect(saved.config_hash).toBe(configHash(reports.summary.configuration));
  });

  it('keeps a broken store for later: the error names the reports folder', async () => {
    const corrupt = join(dir, 'broken.db');
    writeFileSync(corrupt, 'garbage '.repeat(1000));
    const history = (await openRunHistory(corrupt, openHistory))!;
    expect(history.failure?.message).toMatch(/broken\.db is not a perfsight history database/);
    const reports = await reportsOf(history, 'broken', ramp(10));
    expect(reports.trend).toBeUndefined();
    expect(reports.analysis.trend_analysis).toMatchObject({ insufficient_data: true });
    const error = await saveRunHistory(history, reports, '/somewhere/out');
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(
      /broken\.db is not a perfsight history database .*; the reports were written to \/somewhere\/out, but the run was not saved/,
    );
  });

  it('--no-history and PERFSIGHT_HISTORY=off open nothing; PERFSIGHT_HISTORY picks the file', async () => {
    expect(await openRunHistory(false, openHistory)).toBeUndefined();
    process.env.PERFSIGHT_HISTORY = 'off';
    expect(await openRunHistory(undefined, openHistory)).toBeUndefined();
    // `perfsight history` with the store turned off: a clear error, not a file named "off".
    await expect(openHistory()).rejects.toThrow(
      /^the history store is turned off \(PERFSIGHT_HISTORY=off\): pass --history/,
    );
    const chosen = join(dir, 'from-env.db');
    process.env.PERFSIGHT_HISTORY = chosen;
    const history = (await openRunHistory(undefined, openHistory))!;
    expect(history.store?.location).toBe(chosen);
    await saveRunHistory(history, await reportsOf(history, 'env', ramp(1)), '/r');
  });

  it('configHash is canonical: key order does not matter, values do', () => {
    expect(configHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      configHash({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ a: [1, 2] })).not.toBe(configHash({ a: [2, 1] }));
    expect(configHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});

describe('--baseline resolution', () => {
  const dir = tempDir('perfsight-baseline-');

  it('a path wins; latest is the newest run of the test; a run id is looked up', async () => {
    const store = await openHistory(join(dir, 'b.db'));
    const folders = [join(dir, 'r0'), join(dir, 'r1'), join(dir, 'other')];
    for (const folder of folders) mkdirSync(folder);
    const ids: string[] = [];
    for (const [i, folder] of folders.entries()) {
      const history = (await openRunHistory(join(dir, 'b.db'), openHistory))!;
      ids.push(history.runId);
      await saveRunHistory(
        history,
        await reportsOf(history, i < 2 ? 'api' : 'other', ramp(5)),
        folder,
      );
    }
    expect(await resolveBaseline(folders[0]!, 'api', store)).toEqual({
      path: folders[0],
      runId: null,
    });
    expect(await resolveBaseline('latest', 'api', store)).toEqual({
      path: folders[1],
      runId: ids[1],
    });
    expect(await resolveBaseline(ids[0]!, 'api', store)).toEqual({
      path: folders[0],
      runId: ids[0],
    });
    await expect(resolveBaseline('latest', 'nothing', store)).rejects.toThrow(
      /^--baseline latest: no earlier run of "nothing" in the history at /,
    );
    await expect(resolveBaseline('no-such-id', 'api', store)).rejects.toThrow(
      /^--baseline no-such-id: no such file or folder, and no run with that id/,
    );
    rmSync(folders[1]!, { recursive: true });
    await expect(resolveBaseline('latest', 'api', store)).rejects.toThrow(
      /was saved with its report folder .*r1, which no longer exists$/,
    );
    await store.close();
    await expect(resolveBaseline('latest', 'api', undefined)).rejects.toThrow(
      /history store is not available/,
    );
  });
});
