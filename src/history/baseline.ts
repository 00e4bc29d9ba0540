/**
 * `--baseline latest|<run-id>|<path>`: which earlier run a new run is compared with. Resolved
 * before the new run's files are written (and before it is saved, so `latest` is never the
 * run itself), to a report folder or `detailed.json` the comparison can load.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError, quote } from '../errors.js';
import type { HistoryRecord, HistoryStore } from './types.js';

export interface ResolvedBaseline {
  /** A run folder or a `detailed.json`. */
  path: string;
  /** The history's run id when the baseline came from the store. */
  runId: string | null;
}

/**
 * A path that exists wins (a folder named like a run id is still a folder); otherwise
 * `latest` is the newest stored run of `testName` — other than the run at `exclude`, so
 * `compare latest <folder>` never compares a stored run with itself — and anything else a
 * stored run id. `label` is how messages name the argument (`--baseline latest`).
 */
export async function resolveBaseline(
  spec: string,
  testName: string,
  store: HistoryStore | undefined,
  options: { exclude?: string; label?: string } = {},
): Promise<ResolvedBaseline> {
  if (existsSync(spec)) return { path: spec, runId: null };
  const label = options.label ?? `--baseline ${spec}`;
  if (!store) {
    throw new InputError(
      `${label}: no such file or folder, and the history store is not available to look it up`,
    );
  }
  const record =
    spec === 'latest' ? await newestOther(store, testName, options.exclude) : await store.get(spec);
  if (!record) {
    throw new InputError(
      spec === 'latest'
        ? `${label}: no ${options.exclude ? 'other' : 'earlier'} run of ${quote(testName)} in the history at ${store.location}`
        : `${label}: no such file or folder, and no run with that id in the history at ${store.location}`,
    );
  }
  if (!record.report_dir || !existsSync(record.report_dir)) {
    throw new InputError(
      `${label}: run ${record.run_id} of ${quote(record.test_name)} was saved with its report folder ${record.report_dir ?? '(none)'}, which no longer exists`,
    );
  }
  return { path: record.report_dir, runId: record.run_id };
}

/** The newest stored run of a test whose report folder is not `exclude` (a folder or its detailed.json). */
async function newestOther(
  store: HistoryStore,
  testName: string,
  exclude: string | undefined,
): Promise<HistoryRecord | undefined> {
  if (exclude === undefined) return store.get('latest', testName);
  const excluded = runFolder(exclude);
  const runs = await store.list({ name: testName, limit: 2 });
  return runs.find((run) => !run.report_dir || runFolder(run.report_dir) !== excluded);
}

function runFolder(path: string): string {
  const absolute = resolve(path);
  return basename(absolute) === 'detailed.json' ? dirname(absolute) : absolute;
}
