import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
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

/**
 * The command line the user typed for `command` (its name and everything after it), less the
 * options named in `drop` and their values: "run it again" must measure what was measured
 * (`-r 200 -d 1m`, `--fault-rate 1`…), or the comparison would be between two configurations.
 */
export function repeatCommand(command: Command, drop: readonly string[]): string[] {
  // The parent's operands: this command's name, then every word the user gave it.
  const words = command.parent?.args ?? [];
  const args = words.slice(words.indexOf(command.name()) + 1);
  const repeated = [command.name()];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word === '--') {
      repeated.push(...args.slice(i));
      break;
    }
    const [flag = word] = word.startsWith('--') ? word.split('=', 1) : [word.slice(0, 2)];
    const option = word.startsWith('-')
      ? command.options.find((o) => o.long === flag || o.short === flag)
      : undefined;
    // A value follows as the next word unless it was attached (`--out=x`, `-ox`).
    const attached = word.length > flag.length;
    const takesValue = option !== undefined && (option.required || option.optional);
    const width = takesValue && !attached ? 2 : 1;
    if (!option?.long || !drop.includes(option.long)) repeated.push(...args.slice(i, i + width));
    i += width - 1;
  }
  return repeated;
}
