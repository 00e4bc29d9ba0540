/**
 * `--baseline latest|<run-id>|<path>`: which earlier run a new run is compared with. Resolved
 * before the new run's files are written (and before it is saved, so `latest` is never the
 * run itself), to a report folder or `detailed.json` the comparison can load.
 */
import { existsSync } from 'node:fs';
import { InputError, quote } from '../errors.js';
import type { HistoryStore } from './types.js';

export interface ResolvedBaseline {
  /** A run folder or a `detailed.json`. */
  path: string;
  /** The history's run id when the baseline came from the store. */
  runId: string | null;
}

/**
 * A path that exists wins (a folder named like a run id is still a folder); otherwise
 * `latest` is the newest stored run of `testName` and anything else a stored run id.
 */
export async function resolveBaseline(
  spec: string,
  testName: string,
  store: HistoryStore | undefined,
): Promise<ResolvedBaseline> {
  if (existsSync(spec)) return { path: spec, runId: null };
  if (!store) {
    throw new InputError(
      `--baseline ${spec}: no such file or folder, and the history store is not available to look it up`,
    );
  }
  const record = await store.get(spec, spec === 'latest' ? testName : undefined);
  if (!record) {
    throw new InputError(
      spec === 'latest'
        ? `--baseline latest: no earlier run of ${quote(testName)} in the history at ${store.location}`
        : `--baseline ${spec}: no such file or folder, and no run with that id in the history at ${store.location}`,
    );
  }
  if (!record.report_dir || !existsSync(record.report_dir)) {
    throw new InputError(
      `--baseline ${spec}: run ${record.run_id} of ${quote(record.test_name)} was saved with its report folder ${record.report_dir ?? '(none)'}, which no longer exists`,
    );
  }
  return { path: record.report_dir, runId: record.run_id };
}
