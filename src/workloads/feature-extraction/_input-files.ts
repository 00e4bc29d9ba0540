/**
 * `--inputs`: the user's windows, from a `.npy` float32 array (one window per row) or JSON
 * Lines of nested arrays (one window per line). Pure parsers; the workload reads the file.
 */
import { InputError } from '../../errors.js';
import { withoutBom } from '../../input.js';
import { product } from './_runner.js';
import { FeatureInputError, validateInput } from './_validate.js';

/** The windows, flat and row-major, and how many. */
export interface Windows {
  values: Float32Array;
  count: number;
}

const NPY_MAGIC = '\x93NUMPY';

/** A `.npy` file (numpy's `np.save`): little-endian float32, C order, `[n, …item]` or `[…item]`. */
export function parseNpy(bytes: Uint8Array, itemDims: readonly number[], file: string): Windows {
  const text = (start: number, end: number) =>
    String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
  if (bytes.length < 10 || text(0, 6) !== NPY_MAGIC) {
    throw new InputError(`${file}: not a .npy file (no \\x93NUMPY header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = text(start, start + headerLength);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(`${file}: the .npy header cannot be read`);
  }
  if (descr !== '<f4' && descr !== '|f4') {
    throw new InputError(
      `${file}: holds ${descr} values; perfsight reads float32 (np.save(path, x.astype(np.float32)))`,
    );
  }
  if (fortran === 'True') {
    throw new InputError(
      `${file}: is in Fortran order; save a C-ordered array (np.ascontiguousarray)`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const item = shape.length === itemDims.length ? shape : shape.slice(1);
  if (item.length !== itemDims.length || item.some((d, i) => d !== itemDims[i])) {
    throw new InputError(
      `${file}: windows of shape [${item.join(', ')}] (array [${shape.join(', ')}]), but the model takes [${itemDims.join(', ')}] per window`,
    );
  }
  const count = product(shape) / product(itemDims);
  const dataStart = start + headerLength;
  const bytesNeeded = product(shape) * 4;
  if (count < 1) throw new InputError(`${file}: holds no window`);
  if (bytes.length - dataStart < bytesNeeded) {
    throw new InputError(
      `${file}: truncated (${bytes.length - dataStart} of ${bytesNeeded} data bytes)`,
    );
  }
  // Copied: the data need not be 4-byte aligned in the file's buffer.
  const values = new Float32Array(product(shape));
  new Uint8Array(values.buffer).set(bytes.subarray(dataStart, dataStart + bytesNeeded));
  checkFinite(values, itemDims, file);
  return { values, count };
}

/** JSON Lines: each line one window (nested arrays of the item's shape), or several. */
export function parseJsonLines(text: string, itemDims: readonly number[], file: string): Windows {
  const parts: Float32Array[] = [];
  const lines = withoutBom(text).split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw InputError.at(file, i + 1, 'not valid JSON');
    }
    if (!Array.isArray(parsed)) {
      throw InputError.at(file, i + 1, `expected nested arrays of shape [${itemDims.join(', ')}]`);
    }
    try {
      parts.push(validateInput(parsed, itemDims).values);
    } catch (error) {
      if (error instanceof FeatureInputError) {
        throw InputError.at(
          file,
          i + 1,
          `${error.message.replace(/^series 0(, )?/, '').replace(/^: /, '') || error.message} (the model takes [${itemDims.join(', ')}] per window)`,
        );
      }
      throw error;
    }
  });
  const perItem = product(itemDims);
  const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  if (values.length === 0) throw new InputError(`${file}: holds no window`);
  return { values, count: values.length / perItem };
}

function checkFinite(values: Float32Array, itemDims: readonly number[], file: string): void {
  const perItem = product(itemDims);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InputError(
        `${file}: window ${Math.floor(i / perItem)} holds a non-finite value (${values[i]})`,
      );
    }
  }
}
