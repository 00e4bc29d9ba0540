/**
 * samples.csv.gz and samples.arrow, encoded in one go, or a part at a time while a run is
 * still being read (in the samples worker or here).
 */
import { once } from 'node:events';
import { constants, createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import type { SampleColumns } from '../metrics/index.js';
import { samplesArrowParts } from './arrow.js';
import { SamplesCsvText } from './csv.js';
import { ARROW_BY_ENCODER, claimArrow } from './_arrow-claim.js';

export interface SamplesToEncode {
  columns: SampleColumns[];
  errorTypes: readonly string[];
  timed: boolean;
  /**
   * Who makes samples.arrow, when the thread that asked may make it itself (see
   * `claimArrow`): shared with that thread. Without it, the encoder makes it.
   */
  arrowClaim?: Int32Array;
}

export interface EncodedSamples {
  csvGz: Uint8Array;
  /**
   * samples.arrow in pieces, to be written one after the other (see `samplesArrowParts`);
   * undefined when the run has no samples, or when the asking thread claimed it.
   */
  arrow: Uint8Array[] | undefined;
}

/** What the samples worker is sent: a part of a run being read, or the run's end. */
export type SamplesMessage =
  | { kind: 'part'; columns: SampleColumns; errorTypes: readonly string[] }
  | ({ kind: 'end' } & SamplesToEncode);

const ROWS_PER_CHUNK = 50_000;

export async function encodeSamplesHere(job: SamplesToEncode): Promise<EncodedSamples> {
  return new SamplesEncoder().end(job);
}

/**
 * Encodes a run's samples as they come: `add` each part (its CSV rows are rendered and
 * compressed now), then `end` with the rest. Whether the timestamps are written is known at
 * the end only: the parts are rendered as the first one suggests (untimed samples are
 * recorded at time 0), and all again in the rare case that guess was wrong.
 */
export class SamplesEncoder {
  private readonly columns: SampleColumns[] = [];
  private csv: CsvGz | undefined;

  async add(columns: SampleColumns, errorTypes: readonly string[]): Promise<void> {
    this.columns.push(columns);
    this.csv ??= new CsvGz(columns.timestampMs[0] !== 0);
    await this.csv.add(columns, errorTypes);
  }

  async end({ columns, errorTypes, timed, arrowClaim }: SamplesToEncode): Promise<EncodedSamples> {
    let csv = this.csv;
    if (csv?.timed !== timed) {
      csv?.abandon();
      csv = new CsvGz(timed);
      for (const part of this.columns) await csv.add(part, errorTypes);
    }
    for (const part of columns) await csv.add(part, errorTypes);
    this.columns.push(...columns);
    const finished = csv.end();
    let arrow: Uint8Array[] | undefined;
    if (!arrowClaim || claimArrow(arrowClaim, ARROW_BY_ENCODER)) {
      arrow = samplesArrowParts(this.columns, errorTypes, timed);
    }
    return { csvGz: await finished, arrow };
  }
}

/** The samples CSV, rendered a part at a time into a gzip stream. */
class CsvGz {
  private readonly text: SamplesCsvText;
  private readonly gzip: Gzip;
  private readonly compressed: Buffer[] = [];
  private readonly done: Promise<unknown>;

  constructor(readonly timed: boolean) {
    this.text = new SamplesCsvText(timed, ROWS_PER_CHUNK);
    // The fastest level: 3× quicker than the default for 9 % more bytes (bench/data-path);
    // people open the file rarely, compare reads samples.arrow. A stream: zlib compresses on
    // the thread pool while the next rows are rendered here.
    // Room for a few rendered chunks: zlib compresses one on the thread pool while the next
    // is rendered. With the default 16 kB every 2 MB chunk waited for the one before to be
    // compressed, so rendering and compression took turns. The bytes are the same either way.
    // (A stream option zlib passes on; its typings do not list it.)
    const options: ZlibOptions & { writableHighWaterMark: number } = {
      level: constants.Z_BEST_SPEED,
      writableHighWaterMark: 8 << 20,
    };
    this.gzip = createGzip(options);
    this.gzip.on('data', (chunk: Buffer) => this.compressed.push(chunk));
    this.done = once(this.gzip, 'end');
    // Abandoned (a wrong guess): its end is never awaited.
    this.done.catch(() => undefined);
  }

  async add(columns: SampleColumns, errorTypes: readonly string[]): Promise<void> {
    await this.write(this.text.rows(columns, errorTypes));
  }

  async end(): Promise<Buffer> {
    await this.write(this.text.end());
    this.gzip.end();
    await this.done;
    return Buffer.concat(this.compressed);
  }

  abandon(): void {
    this.gzip.destroy();
  }

  private async write(chunks: Iterable<Buffer>): Promise<void> {
    for (const chunk of chunks) {
      if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
    }
  }
}
