import { writtenNumber } from '../input.js';
import { OutOfRange, validateColumns, type Cell, type ReadState } from './_state.js';

export async function readJsonLines(
  source: AsyncIterable<Buffer>,
  state: ReadState,
): Promise<void> {
  for await (const batch of lines(source)) {
    for (const text of batch) {
      state.line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        state.fail('is not valid JSON');
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        state.fail('is not a JSON object');
      }
      const record = value as Record<string, Cell>;
      keepOutOfRangeNumbers(record, text);
      validateColumns(Object.keys(record), state);
      state.add((column) => record[column]);
    }
  }
}

/**
 * The lines of UTF-8 text, without their `\n` or `\r\n`, a chunk's worth at a time (one
 * await per line would cost a third of the read). TextDecoder drops a leading BOM, as the
 * CSV reader does. A long line is gathered in pieces, so it costs linear time.
 */
async function* lines(source: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  const line = (last: string) => {
    const text = pending.length === 0 ? last : pending.join('') + last;
    pending = [];
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of source) {
    const parts = decoder.decode(chunk, { stream: true }).split('\n');
    const complete: string[] = [];
    for (let i = 0; i < parts.length - 1; i++) complete.push(line(parts[i]!));
    pending.push(parts[parts.length - 1]!);
    if (complete.length > 0) yield complete;
  }
  const last = line(decoder.decode());
  if (last !== '') yield [last];
}

/**
 * JSON.parse reads `1e999` as Infinity, which a message would show as `null`: such a number
 * is kept as the text the file said, and refused by the checks as any bad cell is. (A loop
 * over the few keys, not a reviver: a reviver doubles the cost of parsing.)
 */
function keepOutOfRangeNumbers(record: Record<string, unknown>, line: string): void {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      record[key] = new OutOfRange(writtenNumber(line, key, value));
    }
  }
}
