import { Command, CommanderError } from 'commander';
import { cut, PerfsightError, thrownMessage } from '../errors.js';
import { PERFSIGHT_VERSION } from '../environment/index.js';
import { terminalText } from '../neutralise/index.js';
import { redactText } from '../redact/index.js';

type CommandMaker = (exit: (code: number) => void) => Command;

/**
 * Each command's module, loaded when asked for: a command pulls its own libraries (undici,
 * prom-client, the terminal dashboard…), and loading all of them took a good part of a
 * second before `report` read its first row. In `--help`'s order.
 */
const COMMANDS: Record<string, () => Promise<CommandMaker>> = {
  run: async () => (await import('./run.js')).runCommand,
  report: async () => (await import('./report.js')).reportCommand,
  compare: async () => (await import('./compare.js')).compareCommand,
  merge: async () => (await import('./merge.js')).mergeCommand,
  monitor: async () => (await import('./monitor.js')).monitorCommand,
  history: async () => (await import('./history.js')).historyCommand,
  trend: async () => (await import('./trend.js')).trendCommand,
};

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
  try {
    // `perfsight report …` needs only report's definition; anything else (`--help`, `help
    // report`, a misspelt command that commander suggests a name for) gets them all.
    const name = argv[2];
    const named = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    const makers = await Promise.all(
      named ? [named()] : Object.values(COMMANDS).map((load) => load()),
    );
    for (const make of makers) {
      program.addCommand(
        make(setExit)
          .exitOverride()
          .configureOutput({ outputError: () => undefined }),
      );
    }
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
