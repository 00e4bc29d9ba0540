import { product } from './_runner.js';

/** Bad input: wrong shape or non-finite values. Never answered by the fallback. */
export class FeatureInputError extends Error {
  override name = 'FeatureInputError';
  readonly code = 'invalid_input';
}

/** What `extractFeatures` takes: one item's nested rows, `[batch][…]`, or a flat Float32Array. */
export type FeatureInput = Float32Array | number[][] | number[][][] | readonly unknown[];

/** Words for the item dimensions in messages: the seed's series of timesteps × features. */
function dimensionNames(rank: number): string[] {
  if (rank === 2) return ['timesteps', 'features'];
  return Array.from({ length: rank }, (_, i) => `values along dimension ${i + 1}`);
}

function position(itemDims: readonly number[], b: number, offset: number): string {
  const parts = [`series ${b}`];
  const names = itemDims.length === 2 ? ['timestep', 'feature'] : undefined;
  let rest = offset;
  itemDims.forEach((_, k) => {
    const stride = product(itemDims.slice(k + 1));
    const index = Math.floor(rest / stride);
    rest %= stride;
    parts.push(names ? `${names[k]} ${index}` : `index ${index}`);
  });
  return parts.join(', ');
}

/**
 * The input as flat row-major values and its batch: a Float32Array of whole items, or nested
 * arrays of one item (`itemDims`) or of a batch of them. Refused with a `FeatureInputError`
 * naming the first place it is wrong.
 */
export function validateInput(
  input: FeatureInput,
  itemDims: readonly number[],
  batchHint?: number,
): { values: Float32Array; batch: number } {
  const perItem = product(itemDims);
  const shape = `[batch, ${itemDims.join(', ')}]`;
  let values: Float32Array;
  if (input instanceof Float32Array) {
    values = input;
  } else if (Array.isArray(input)) {
    const depth = (value: unknown): number =>
      Array.isArray(value) ? 1 + depth((value as unknown[])[0]) : 0;
    const items = (depth(input) > itemDims.length ? input : [input]) as unknown[];
    values = new Float32Array(items.length * perItem);
    const names = dimensionNames(itemDims.length);
    const fill = (value: unknown, k: number, offset: number, where: string): void => {
      if (k === itemDims.length) {
        values[offset] = value as number;
        return;
      }
      const expected = itemDims[k]!;
      if (!Array.isArray(value) || value.length !== expected) {
        throw new FeatureInputError(
          `${where}: expected ${expected} ${names[k]}, got ${Array.isArray(value) ? value.length : typeof value}`,
        );
      }
      const stride = product(itemDims.slice(k + 1));
      const label = itemDims.length === 2 ? (k === 0 ? 'timestep' : 'feature') : `index`;
      value.forEach((v, i) => fill(v, k + 1, offset + i * stride, `${where}, ${label} ${i}`));
    };
    items.forEach((item, b) => fill(item, 0, b * perItem, `series ${b}`));
  } else {
    throw new FeatureInputError(`expected a Float32Array or nested arrays of shape ${shape}`);
  }
  if (values.length === 0 || values.length % perItem !== 0) {
    throw new FeatureInputError(
      `expected ${shape} values (a multiple of ${perItem}), got ${values.length}`,
    );
  }
  const batch = values.length / perItem;
  if (batchHint !== undefined && batchHint !== batch) {
    throw new FeatureInputError(`batch ${batchHint} given, but the input holds ${batch} series`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new FeatureInputError(
        `non-finite value ${values[i]} at ${position(itemDims, Math.floor(i / perItem), i % perItem)}`,
      );
    }
  }
  return { values, batch };
}
