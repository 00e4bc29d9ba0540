/**
 * Rendering samples.csv.gz's text (what the samples worker does before zlib): today's
 * renderer (src/report/csv.ts, `SamplesCsvText`) against the frozen former one, which wrote
 * numbers by `String()` (test/report/_former-samples-csv.ts), on the 1 M rows `report` reads
 * in bench `data-path`, in the same process, interleaved, median of repetitions. CPU time
 * (process.cpuUsage) besides wall time: on the shared machine it moves less. Also checks
 * that both give the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { sampleFlags, type SampleColumns } from '../src/metrics/index.js';
import { samplesCsvChunks } from '../src/report/csv.js';
import { formerSamplesCsvChunks } from '../test/report/_former-samples-csv.js';
import { writeSamplesCsv } from './_samples-files.js';
import { collectGarbage, median, round } from './_stats.js';

const ROWS = 1_000_000;
const REPETITIONS = 7;
/** As the recorder hands them to the worker: parts of 65,536 samples. */
const PART = 1 << 16;
/** As the samples worker renders them. */
const ROWS_PER_CHUNK = 50_000;
/** A failure read from a file without error types is recorded as `unknown`. */
const ERROR_TYPES = ['', 'unknown'];

/** The file's samples as the recorder keeps them: timestamps in ms, flags, error codes. */
function columnsOf(path: string): SampleColumns[] {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean);
  const parts: SampleColumns[] = [];
  for (let from = 0; from < lines.length; from += PART) {
    const length = Math.min(PART, lines.length - from);
    const part: SampleColumns = {
      length,
      latencyMs: new Float64Array(length),
      timestampMs: new Float64Array(length),
      flags: new Uint8Array(length),
      errorCode: new Uint16Array(length),
    };
    for (let i = 0; i < length; i++) {
      const [timestamp, latency, success] = lines[from + i]!.split(',');
      part.timestampMs[i] = Number(timestamp) * 1000;
      part.latencyMs[i] = Number(latency);
      part.flags[i] = sampleFlags(success === 'true');
      part.errorCode[i] = success === 'true' ? 0 : 1;
    }
    parts.push(part);
  }
  return parts;
}

type Render = (columns: SampleColumns[]) => Iterable<Buffer>;

export default async function samplesRenderBench(): Promise<Record<string, unknown>> {
  const { path, folder } = writeSamplesCsv(ROWS, 1);
  try {
    const columns = columnsOf(path);
    const renderers: Record<string, Render> = {
      perfsight: (parts) => samplesCsvChunks(parts, ERROR_TYPES, true, ROWS_PER_CHUNK),
      former_string: (parts) => formerSamplesCsvChunks(parts, ERROR_TYPES, true, ROWS_PER_CHUNK),
    };
    const digests: Record<string, string> = {};
    let bytes = 0;
    for (const [name, render] of Object.entries(renderers)) {
      const hash = createHash('sha256');
      bytes = 0;
      for (const chunk of render(columns)) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      digests[name] = hash.digest('hex');
    }
    const cpu: Record<string, number[]> = {};
    const wall: Record<string, number[]> = {};
    // Interleaved so machine noise hits both alike; the first round warms the JIT.
    for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
      for (const [name, render] of Object.entries(renderers)) {
        collectGarbage();
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        for (const chunk of render(columns)) if (chunk.length === 0) throw new Error('empty');
        const used = process.cpuUsage(cpuStart);
        if (repetition > 0) {
          (wall[name] ??= []).push(performance.now() - start);
          (cpu[name] ??= []).push((used.user + used.system) / 1000);
        }
      }
    }
    const cpuMs = (name: string) => median(cpu[name]!);
    const wallMs = (name: string) => median(wall[name]!);
    return {
      how: `${ROWS.toLocaleString('en')} rows (timestamp, latency_ms, success; 0.5 % failures) rendered as samples.csv.gz's text in chunks of ${ROWS_PER_CHUNK.toLocaleString('en')} rows, warm; ${REPETITIONS} interleaved repetitions after a warm-up round, median ms`,
      bytes,
      perfsight_cpu_ms: round(cpuMs('perfsight')),
      former_string_cpu_ms: round(cpuMs('former_string')),
      perfsight_vs_former_string_cpu_ratio: round(cpuMs('perfsight') / cpuMs('former_string')),
      perfsight_wall_ms: round(wallMs('perfsight')),
      former_string_wall_ms: round(wallMs('former_string')),
      perfsight_vs_former_string_wall_ratio: round(wallMs('perfsight') / wallMs('former_string')),
      same_bytes: digests.perfsight === digests.former_string,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
