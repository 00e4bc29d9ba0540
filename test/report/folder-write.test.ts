import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReportFolder, type ReportFile } from '../../src/report/index.js';
import { tempDir } from '../_helpers.js';

/** `count` chunks of `size` bytes, each filled with its index's low byte. */
function chunks(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(i & 0xff));
}

async function* later(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await new Promise((resolve) => setImmediate(resolve));
    yield part;
  }
}

describe('writing a report folder', () => {
  it('writes every kind of content whole, whatever the number of chunks', async () => {
    const many = chunks(9000, 3); // more than one writev takes
    const big = chunks(3, 12 * 1024 * 1024); // more bytes than one writev is given
    const files: ReportFile[] = [
      { name: 'text.json', render: () => '{"naïve": "✓"}\n' },
      { name: 'empty.txt', render: () => '' },
      { name: 'lines.csv', render: () => ['a,b\n', 'é,2\n', '', '3,4\n'] },
      { name: 'many.bin', render: () => many },
      { name: 'big.bin', render: () => big },
      { name: 'later.bin', render: () => later(many.slice(0, 300)) },
      { name: 'none.bin', render: () => later([]) },
      { name: 'zipped.gz', render: () => 'x'.repeat(1000), gzip: true },
    ];
    const out = await writeReportFolder(join(tempDir(), 'out'), files);
    expect(readFileSync(join(out, 'text.json'), 'utf8')).toBe('{"naïve": "✓"}\n');
    expect(readFileSync(join(out, 'empty.txt'))).toHaveLength(0);
    expect(readFileSync(join(out, 'lines.csv'), 'utf8')).toBe('a,b\né,2\n3,4\n');
    expect(readFileSync(join(out, 'many.bin')).equals(Buffer.concat(many))).toBe(true);
    expect(readFileSync(join(out, 'big.bin')).equals(Buffer.concat(big))).toBe(true);
    expect(readFileSync(join(out, 'later.bin')).equals(Buffer.concat(many.slice(0, 300)))).toBe(
      true,
    );
    expect(readFileSync(join(out, 'none.bin'))).toHaveLength(0);
    expect(readFileSync(join(out, 'zipped.gz'))[0]).toBe(0x1f);
  });

  it('leaves nothing behind when a file fails while the others are being written', async () => {
    const parent = tempDir();
    const big = chunks(4, 8 * 1024 * 1024);
    const failing = async function* (): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('the encoder failed');
    };
    await expect(
      writeReportFolder(join(parent, 'async'), [
        { name: 'big.bin', render: () => big },
        { name: 'failing.bin', render: failing },
        { name: 'after.bin', render: () => big },
      ]),
    ).rejects.toThrow('the encoder failed');
    await expect(
      writeReportFolder(join(parent, 'render'), [
        { name: 'big.bin', render: () => big },
        {
          name: 'throws.txt',
          render: () => {
            throw new Error('the renderer failed');
          },
        },
      ]),
    ).rejects.toThrow('the renderer failed');
    expect(readdirSync(parent)).toEqual([]);
  });
});
