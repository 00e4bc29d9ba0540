import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { terminalLine } from '../neutralise/index.js';

/**
 * What to do after a run: open its report, run it again compared with this one, gate CI on
 * regressions. `again` is the command that measures the same test again (`run synthetic
 * --name checkout`); `history` false when the run was not saved (then the baseline is the
 * folder). Pure: the caller decides whether the path becomes a terminal link.
 */
export function renderNextSteps(
  out: string,
  again: readonly string[],
  saved: boolean,
  link: (url: string, text: string) => string = (_url, text) => text,
): string {
  const report = resolve(join(out, 'report.html'));
  const url = pathToFileURL(report).href;
  const baseline = saved ? 'latest' : out;
  const command = ['npx', 'perfsight', ...again, '--baseline', baseline].map(shellWord).join(' ');
  const gate = `${command} --fail-on-regression`;
  const width = gate.length + 2;
  return [
    `Open the report: ${link(url, terminalLine(url))}`,
    'Next:',
    `  ${terminalLine(command.padEnd(width))}# run again, compared with this run`,
    `  ${terminalLine(gate.padEnd(width))}# the same as a CI gate: exit 1 if it regressed`,
    '',
  ].join('\n');
}

/** A word as a POSIX shell reads it back: quoted only when it has to be (`<file>` is a blank to fill). */
export function shellWord(word: string): string {
  if (/^<[\w.-]+>$/.test(word)) return word;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
