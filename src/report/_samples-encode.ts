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

/**
 * samples.arrow and samples.csv.gz as each is made (`SamplesEncoder.finish`): the Arrow file
 * at once, the gzip once its last members are compressed on the thread pool.
 */
export interface FinishingSamples {
  /** As `EncodedSamples.arrow`. */
  arrow: Uint8Array[] | undefined;
  /**
   * samples.csv.gz's bytes as zlib handed them back, in order, never joined: written one
   * after the other they are the file (joining them copied its 6 MB for 1 M samples).
   */
  csvGz: Promise<Buffer[]>;
}

/** What the samples worker is sent: a part of a run being read, or the run's end. */
export type SamplesMessage =
  | { kind: 'part'; columns: SampleColumns; errorTypes: readonly string[] }
  | ({ kind: 'end' } & SamplesToEncode);

/**
 * What the samples worker answers, a file at a time as soon as each is made: samples.arrow
 * is written while samples.csv.gz's last members are still being compressed, and the gzip
 * does not wait for the Arrow file either.
 */
export type SamplesReply =
  { file: 'arrow'; bytes: FinishingSamples['arrow'] } | { file: 'csvGz'; bytes: Uint8Array[] };

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

  /** The encoded samples, samples.csv.gz's bytes joined (see `finish`). */
  async end(job: SamplesToEncode): Promise<EncodedSamples> {
    const { csvGz, arrow } = await this.finish(job);
    return { csvGz: Buffer.concat(await csvGz), arrow };
  }

  /** The run's last samples: samples.arrow made, samples.csv.gz's last members compressing. */
  async finish({
    columns,
    errorTypes,
    timed,
    arrowClaim,
  }: SamplesToEncode): Promise<FinishingSamples> {
    let csv = this.csv;
    if (csv?.timed !== timed) {
      csv?.abandon();
      csv = new CsvGz(timed);
      for (const part of this.columns) await csv.add(part, errorTypes);
    }
    for (const part of columns) await csv.add(part, errorTypes);
    this.columns.push(...columns);
    const csvGz = csv.end();
    let arrow: Uint8Array[] | undefined;
    if (!arrowClaim || claimArrow(arrowClaim, ARROW_BY_ENCODER)) {
      arrow = samplesArrowParts(this.columns, errorTypes, timed);
    }
    return { csvGz, arrow };
  }
}

/**
 * Text bytes per gzip member of samples.csv.gz (see `CsvGz`): a few members compress at
 * once, each starting its dictionary afresh: some 70 bytes more per member (560 on the
 * 6.3 MB of 1 M samples).
 */
export const MEMBER_BYTES = 4 << 20;
/** Members compressed at once: one on each core of a small machine. */
const MEMBERS_AT_ONCE = 2;

/**
 * The samples CSV, rendered a part at a time into gzip members: the text cut every
 * `MEMBER_BYTES`, each piece its own gzip stream, one after the other in the file (RFC 1952
 * §2.2: a gzip file is a series of members; gunzip, zcat, Python's gzip and so pandas, and
 * Node's zlib read them all, as one text). One stream compressed the whole text on one
 * thread, the report's longest part: the main thread, done with the other files, waited
 * for it with a core idle. Cut at fixed places in the text, the bytes depend on the text
 * alone, not on how it was handed over; a text under `MEMBER_BYTES` is one member, the very
 * bytes of a single stream.
 */
class CsvGz {
  private readonly text: SamplesCsvText;
  /**
   * The members begun, in the file's order: each one's compressed bytes as zlib handed them
   * back, once done. Never joined here (see `FinishingSamples.csvGz`).
   */
  private readonly members: Promise<Buffer[]>[] = [];
  private member: Gzip | undefined;
  private memberBytes = 0;
  private readonly streams: Gzip[] = [];
  /**
   * Buffers the text was rendered into that zlib is done with, rendered into again: a new
   * one for every chunk (72 MB for 1 M samples, half of it used) cost the worker its
   * allocation, the kernel's zeroed pages and the garbage collections the external memory
   * set off.
   */
  private readonly spare: ArrayBufferLike[] = [];

  constructor(readonly timed: boolean) {
    this.text = new SamplesCsvText(timed, ROWS_PER_CHUNK, (size) => this.buffer(size));
  }

  async add(columns: SampleColumns, errorTypes: readonly string[]): Promise<void> {
    await this.write(this.text.rows(columns, errorTypes));
  }

  async end(): Promise<Buffer[]> {
    await this.write(this.text.end());
    // Never no member at all: an empty file is no gzip (the text has its header, though).
    if (this.members.length === 0) await this.nextMember();
    this.member?.end();
    this.member = undefined;
    return (await Promise.all(this.members)).flat();
  }

  abandon(): void {
    for (const stream of this.streams) stream.destroy();
  }

  /** A buffer of at least `size` bytes to render into: a spare one if one is big enough. */
  private buffer(size: number): Buffer {
    const fits = this.spare.findIndex((buffer) => buffer.byteLength >= size);
    return fits < 0 ? Buffer.allocUnsafe(size) : Buffer.from(this.spare.splice(fits, 1)[0]!);
  }

  private async write(chunks: Iterable<Buffer>): Promise<void> {
    for (let chunk of chunks) {
      // The chunk's buffer is spare once zlib has taken in every piece of it (a member's
      // write calls back once zlib consumed the piece) and the rows are past it. Each is an
      // ArrayBuffer of its own (64 kB or more: never a slice of Node's shared pool).
      const rendered = chunk.buffer;
      let pieces = 1;
      const taken = () => {
        if (--pieces === 0) this.spare.push(rendered);
      };
      while (chunk.length > 0) {
        const member = this.member ?? (await this.nextMember());
        const piece = chunk.subarray(0, MEMBER_BYTES - this.memberBytes);
        chunk = chunk.subarray(piece.length);
        this.memberBytes += piece.length;
        pieces++;
        const room = member.write(piece, taken);
        if (this.memberBytes === MEMBER_BYTES) {
          member.end();
          this.member = undefined;
        } else if (!room) await once(member, 'drain');
      }
      taken();
    }
  }

  /** A new member, once fewer than `MEMBERS_AT_ONCE` others are still compressing. */
  private async nextMember(): Promise<Gzip> {
    const before = this.members[this.members.length - MEMBERS_AT_ONCE];
    if (before) await before;
    // The fastest level: 3× quicker than the default for 9 % more bytes (bench/data-path);
    // people open the file rarely, compare reads samples.arrow. A stream: zlib compresses on
    // the thread pool while the next rows are rendered here.
    // Room for a whole member: rendering never waits for zlib within a member. With the
    // default 16 kB every 2 MB chunk waited for the one before to be compressed, so rendering
    // and compression took turns. The bytes are the same either way.
    // (A stream option zlib passes on; its typings do not list it.)
    // Compressed bytes handed back 256 kB at a time, not 16 kB: each hand-back is a trip
    // from the thread pool to this thread and a new job; 10-15 % less time per member
    // (4 × 4 MiB of samples: 105-110 ms against 111-127). The bytes are the same.
    const options: ZlibOptions & { writableHighWaterMark: number } = {
      level: constants.Z_BEST_SPEED,
      chunkSize: 1 << 18,
      writableHighWaterMark: 8 << 20,
    };
    const gzip = createGzip(options);
    const compressed: Buffer[] = [];
    gzip.on('data', (bytes: Buffer) => compressed.push(bytes));
    const done = once(gzip, 'end').then(() => compressed);
    // Abandoned (a wrong guess): its end is never awaited.
    done.catch(() => undefined);
    this.members.push(done);
    this.streams.push(gzip);
    this.member = gzip;
    this.memberBytes = 0;
    return gzip;
  }
}
