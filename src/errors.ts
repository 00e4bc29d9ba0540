/**
 * Errors a user can act on. The CLI prints `perfsight: <message>` and exits with `exitCode`
 * (2: bad usage or input); anything else is an internal failure (exit 3).
 */
export class PerfsightError extends Error {
  override name = 'PerfsightError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** A wrong command line: unknown option, bad value, missing argument. */
export class UsageError extends PerfsightError {
  override name = 'UsageError';
}

/** An input file that cannot be read or is malformed; the message names file and line. */
export class InputError extends PerfsightError {
  override name = 'InputError';
  static at(file: string, line: number | undefined, problem: string): InputError {
    return new InputError(
      line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`,
    );
  }
}

/** How much of a value a message quotes: enough to recognise it, never a whole bad file. */
const QUOTED_CHARS = 80;

/**
 * A value from the user's input as a message quotes it: strings in double quotes, numbers
 * and other values as written, anything longer than 80 characters cut with "…" — a 10 MB
 * bad cell must not become 10 MB on stderr.
 */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (text.length <= QUOTED_CHARS) return text;
  return `${text.slice(0, QUOTED_CHARS - 1)}…${typeof value === 'string' ? '"' : ''}`;
}

/**
 * Text from the user's input cut like `quote`, unquoted; `max` is larger for a library's
 * message that may quote input (a parser's complaint about a line).
 */
export function cut(text: string, max = QUOTED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * What user code threw, as the first line of its message, cut: never throws, whatever was
 * thrown (a getter or toString that throws, a revoked Proxy), never a stack.
 */
export function thrownMessage(error: unknown, max = 300): string {
  let text: string;
  try {
    text = error instanceof Error ? String(error.message) : String(error);
  } catch {
    text = 'a value that cannot be shown';
  }
  return cut(text.split('\n')[0]!, max);
}
