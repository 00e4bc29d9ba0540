/**
 * The options of an HTTP target (`perfsight run <url>`, `perfsight monitor --target`):
 * what to send, what counts as an answer. Kept apart from each command's own options.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { redactText } from '../redact/index.js';
import {
  DEFAULT_EXPECTED_STATUS,
  HTTP_METHODS,
  httpWorkload,
  isSecretHeader,
  type HttpWorkload,
} from '../workloads/http/index.js';

export interface HttpFlags {
  method?: string;
  header?: string[];
  body?: string;
  bodyFile?: string;
  expectStatus?: string;
  insecure?: boolean;
}

/** Flag key → the option as the user types it. */
const HTTP_FLAGS = {
  method: '--method',
  header: '--header',
  body: '--body',
  bodyFile: '--body-file',
  expectStatus: '--expect-status',
  insecure: '--insecure',
} as const satisfies Record<keyof HttpFlags, string>;

/** Adds the HTTP target options; `what` says what they apply to in the help. */
export function withHttpOptions(command: Command, what: string): Command {
  return command
    .option('--method <method>', `${what}: ${HTTP_METHODS.join(', ')} (default GET)`)
    .option(
      '--header <"Name: value">',
      `${what}: a request header, repeatable`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--body <text>', `${what}: the request body`)
    .option('--body-file <path>', `${what}: the request body, read from a file`)
    .option(
      '--expect-status <codes>',
      `${what}: status codes that succeed, e.g. 200-299 or 200,204 (default ${DEFAULT_EXPECTED_STATUS}); others fail as http_<status>`,
    )
    .option('--insecure', `${what}: accept any TLS certificate (self-signed test servers)`);
}

/**
 * `--method` and friends given where no HTTP target is: they would do nothing, so they are
 * refused; `why` finishes the sentence (`is for HTTP targets…`).
 */
export function refuseHttpFlags(flags: HttpFlags, why: string): void {
  for (const [key, flag] of Object.entries(HTTP_FLAGS)) {
    if (flags[key as keyof HttpFlags] !== undefined) throw new UsageError(`${flag} ${why}`);
  }
}

/**
 * The HTTP workload for `url` with the flags given; every mistake (URL, method, header,
 * status list, a body file that cannot be read) is bad input, found before anything runs.
 */
export async function httpTargetFrom(
  url: string,
  flags: HttpFlags,
  pool: { connections?: number; timeoutMs?: number; name?: string },
): Promise<HttpWorkload> {
  if (flags.body !== undefined && flags.bodyFile !== undefined) {
    throw new UsageError('--body and --body-file both give the request body: choose one');
  }
  const body = flags.bodyFile === undefined ? flags.body : await readBody(flags.bodyFile);
  return httpWorkload({
    url,
    method: flags.method,
    headers: flags.header,
    body,
    expectStatus: flags.expectStatus,
    insecure: flags.insecure,
    ...pool,
  });
}

async function readBody(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a folder, not a file'
          : code === 'EACCES'
            ? 'not readable (permission denied)'
            : `cannot be read (${code ?? 'error'})`;
    throw new InputError(`--body-file ${path}: ${reason}`);
  }
}

/**
 * What a run's configuration records of the request (method, headers with credentials
 * hidden, body size, expected status, TLS checks): two runs that sent different requests are
 * configured differently, and a comparison of them says so.
 */
export function requestConfiguration(target: HttpWorkload): Record<string, unknown> {
  const { kind: _kind, url: _url, connections: _connections, ...request } = target.info?.() ?? {};
  return request;
}

/**
 * A command line fit to print (the "run again" hint): URLs without their userinfo and query
 * values, credential headers without their values. The command is then not quite the one
 * typed — a secret never reaches the terminal, a CI log or a shared screen.
 */
export function commandFitToShow(words: readonly string[]): string[] {
  return words.map((word, i) => {
    const previous = words[i - 1];
    const header = previous === '--header' ? word : /^--header=/.exec(word) ? word : undefined;
    if (header !== undefined) {
      const prefix = header === word && previous !== '--header' ? '--header=' : '';
      const line = prefix ? word.slice(prefix.length) : word;
      const colon = line.indexOf(':');
      if (colon > 0 && isSecretHeader(line.slice(0, colon).trim())) {
        return `${prefix}${line.slice(0, colon)}: ***`;
      }
    }
    return redactText(word);
  });
}
