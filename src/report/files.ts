import { terminalSafeJson } from '../neutralise/index.js';
import { renderSummaryCsv } from './csv.js';
import { encodeSamples, type SamplesFiles } from './_samples-files.js';
import {
  SAMPLES_ARROW_FILE,
  SAMPLES_FILE,
  buildDetailedReport,
  buildSummaryReport,
} from '../model/index.js';
import type { DetailedReport, RunResult, SummaryReport } from '../model/index.js';
import type { FileContent } from './write.js';

/** One file of a report folder: its name and its content, rendered lazily. */
export interface ReportFile {
  name: string;
  /** A string, chunks of text for large files, or bytes (binary files). */
  render: () => FileContent;
  gzip?: boolean;
}

/** The report model of a run and its own files (the pipeline adds analysis and the rest). */
export interface RunReports {
  summary: SummaryReport;
  detailed: DetailedReport;
  /** summary.json, detailed.json, summary.csv and, when the run kept them, the samples. */
  files: ReportFile[];
}

/** Pretty JSON, never carrying a raw terminal control character (it is also printed). */
export function json(value: unknown): string {
  return terminalSafeJson(JSON.stringify(value, null, 2)) + '\n';
}

/** The report model of a run and the files it makes. Pure: nothing is written here. */
export function buildRunReports(run: RunResult): RunReports {
  // The samples first: a large run's worker is sent the run's end now and finishes its
  // files while the summary and the detailed report (its histograms encoded) are built
  // here, rather than after them — the worker, not this thread, is mostly the last done.
  const encoded = run.recorded.samples && encodeSamples(run.recorded);
  const summary = buildSummaryReport(run);
  const detailed = buildDetailedReport(run, summary);
  const files: ReportFile[] = [
    { name: 'summary.json', render: () => json(summary) },
    { name: 'detailed.json', render: () => json(detailed) },
    { name: 'summary.csv', render: () => renderSummaryCsv(summary) },
  ];
  if (run.recorded.samples && encoded) {
    files.push({ name: SAMPLES_FILE, render: () => bytesOf(encoded, 'csvGz') });
    if (run.recorded.samples.length > 0) {
      files.push({ name: SAMPLES_ARROW_FILE, render: () => bytesOf(encoded, 'arrow') });
    }
  }
  return { summary, detailed, files };
}

/** A samples file's bytes, once it is made (each file as soon as it is, see `SamplesFiles`). */
async function* bytesOf(
  encoded: () => SamplesFiles,
  file: keyof SamplesFiles,
): AsyncGenerator<Uint8Array> {
  yield* (await encoded()[file]) ?? [];
}
