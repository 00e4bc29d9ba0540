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
