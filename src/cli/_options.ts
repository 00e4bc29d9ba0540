import { InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../load/index.js';

/** Argument parsers for commander: each rejects with a message saying what is expected. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number ≥ 1.');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number ≥ 0.');
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number > 0.');
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number ≥ 0.');
  }
  return n;
}

/** A ratio: `0.05` or `5%`. */
export function ratio(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value);
  const r = percent ? n / 100 : n;
  if (value.trim() === '' || !Number.isFinite(r) || r < 0 || r > 1) {
    throw new InvalidArgumentError('expected a ratio between 0 and 1 (or a percentage like 5%).');
  }
  return r;
}

export function duration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0) {
    throw new InvalidArgumentError('expected a duration such as 30s, 500ms, 5m or 1h.');
  }
  return ms;
}

/** `20261124-115330-my-test`: a folder name that sorts by time and says what ran. */
export function defaultOutDir(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `perfsight-reports/${stamp}-${slug || 'run'}`;
}
