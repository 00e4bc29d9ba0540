/**
 * One test spread over several machines: `--shard i/n` gives this machine its part of the
 * load, `--group id` names the test they make together. Each machine runs `perfsight run`
 * as usual; summary.json and the history record both, so the parts can be found and merged.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Shard } from '../model/index.js';

export interface ShardFlags {
  shard?: Shard;
  group?: string;
}

/** `2/3` → { index: 2, count: 3 }: the second of three parts, counted from 1. */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError('expected i/n with 1 ≤ i ≤ n, e.g. 1/3 (the first of three).');
  }
  return { index, count };
}

/** A group id names the test in the history and in commands: plain, short, no spaces. */
export function parseGroup(value: string): string {
  if (!/^[\w.:@+-]{1,128}$/.test(value)) {
    throw new InvalidArgumentError(
      'expected 1 to 128 letters, digits or . _ - : @ + (e.g. nightly-2026-12-02 or $GITHUB_RUN_ID).',
    );
  }
  return value;
}

export function withShardOptions(command: Command): Command {
  return command
    .option(
      '--shard <i/n>',
      'this machine runs part i of n: 1/n of the rate or of the calls, its own seed',
      parseShard,
    )
    .option(
      '--group <id>',
      'the test several machines run together (recorded with the run)',
      parseGroup,
    );
}

/**
 * This shard's part of the load: the calls split as evenly as whole calls allow (the parts
 * add up to the whole, the first ones take one more), or 1/n of the rate. A duration is each
 * machine's own. Unsharded, the plan as given.
 */
export function shardLoad(
  load: { iterations?: number; durationMs?: number; rate?: number },
  shard: Shard | undefined,
  defaultIterations: number,
): { iterations?: number; rate?: number } {
  if (!shard) return { iterations: load.iterations, rate: load.rate };
  if (load.rate !== undefined) {
    return { iterations: splitCalls(load.iterations, shard), rate: load.rate / shard.count };
  }
  const total = load.iterations ?? (load.durationMs === undefined ? defaultIterations : undefined);
  return { iterations: splitCalls(total, shard) };
}

function splitCalls(total: number | undefined, shard: Shard): number | undefined {
  if (total === undefined) return undefined;
  const share = Math.floor(total / shard.count) + (shard.index <= total % shard.count ? 1 : 0);
  if (share === 0) {
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: ${total} calls over ${shard.count} machines leave this one none`,
    );
  }
  return share;
}

/**
 * The seed this shard's generated inputs and latencies start from: the machines of one test
 * must not all replay the same numbers. The first shard keeps the seed (a one-machine run of
 * the same test sees what shard 1 sees).
 */
export function shardSeed(seed: number, shard: Shard | undefined): number {
  return shard ? seed + shard.index - 1 : seed;
}
