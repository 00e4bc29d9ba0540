import { Command, CommanderError } from 'commander';
import { cut, PerfsightError, thrownMessage } from '../errors.js';
import { PERFSIGHT_VERSION } from '../environment/index.js';
import { terminalText } from '../neutralise/index.js';
import { redactText } from '../redact/index.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { compareCommand } from './compare.js';
import { monitorCommand } from './monitor.js';
import { historyCommand } from './history.js';
import { trendCommand } from './trend.js';
import { mergeCommand } from './merge.js';

/**
 * The CLI. The only place that reads argv; returns the exit code for `bin/perfsight.js`
 * (0 objectives met, 1 an objective failed, 2 bad usage or input, 3 internal failure).
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => (exitCode = code);
  const program = new Command('perfsight')
    .description('Measure latency, check objectives, compare runs, keep watching.')
    .version(PERFSIGHT_VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  for (const command of [
    runCommand(setExit),
    reportCommand(setExit),
    compareCommand(setExit),
    mergeCommand(setExit),
    monitorCommand(setExit),
    historyCommand(setExit),
    trendCommand(setExit),
  ]) {
    program.addCommand(command.exitOverride().configureOutput({ outputError: () => undefined }));
  }
  try {
    await program.parseAsync(argv as string[]);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) {
      return error.code === 'commander.help' ? 2 : 0;
    }
    // Commander quotes the offending argument whole: a pasted megabyte is cut like any value.
    const message = error.message
      .replace(/^error: /, '')
      .replace(/'([^']*)'/g, (_, value: string) => `'${cut(value)}'`);
    say(`${message} (see perfsight --help)`);
    return 2;
  }
  if (error instanceof PerfsightError) {
    say(error.message);
    return error.exitCode;
  }
  say(`internal error: ${thrownMessage(error)}`);
  if (process.env.PERFSIGHT_DEBUG && error instanceof Error)
    process.stderr.write(`${safe(error.stack ?? '')}\n`);
  return 3;
}

/**
 * Every message the CLI prints passes here: messages quote what the user gave (a history
 * URL, a webhook, a cell of a file), so secrets are redacted and control characters shown
 * as escapes, whoever wrote the message (perfsight, pg, undici, commander).
 */
function safe(text: string): string {
  return terminalText(redactText(text));
}

function say(message: string): void {
  process.stderr.write(`perfsight: ${safe(message)}\n`);
}
