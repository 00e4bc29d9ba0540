/**
 * What an HTTP target is made of — URL, method, headers, expected status codes — read from
 * the user's words and checked before anything runs: a mistake here is bad input (exit 2,
 * nothing written), never a run whose every request fails the same way.
 */
import { quote, UsageError } from '../../errors.js';
import { redactUrl } from '../../redact/index.js';

/** Methods perfsight sends; anything else is a typo more often than an extension method. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A workload argument that is an HTTP target rather than a workload name or a module path. */
export function isHttpTarget(workload: string): boolean {
  return /^https?:\/\//i.test(workload);
}

/** The URL checked: http(s), a host, a valid port. Messages quote it redacted. */
export function parseTargetUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`invalid URL ${quote(redactUrl(text))}: not a URL a request can go to`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid URL ${quote(redactUrl(text))}: only http:// and https://`);
  }
  if (url.hostname === '') {
    throw new UsageError(`invalid URL ${quote(redactUrl(text))}: it names no host`);
  }
  return url;
}

export function parseMethod(text: string): HttpMethod {
  const method = text.trim().toUpperCase();
  const known = HTTP_METHODS.find((m) => m === method);
  if (!known) {
    throw new UsageError(
      `unknown HTTP method ${quote(text)} (perfsight sends ${HTTP_METHODS.join(', ')})`,
    );
  }
  return known;
}

/** RFC 9110 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A field value: visible characters, spaces and tabs; never a line break (header injection). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Headers perfsight sets itself or that would change what is measured: the body's length,
 * its framing, the connection's reuse (keep-alive is the point of the pool).
 */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);

export type HeaderPair = readonly [name: string, value: string];

/**
 * `Name: value` → [name, value]. The message never quotes the value: it may be a credential
 * (`Authorization Bearer …` typed without its colon).
 */
export function parseHeader(text: string): HeaderPair {
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw new UsageError(`--header expects "Name: value" (a name, a colon, the value): no colon`);
  }
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!TOKEN.test(name)) {
    throw new UsageError(
      `--header: ${name === '' ? 'the name is empty' : `${quote(name)} is not a header name (letters, digits and !#$%&'*+.^_\`|~-)`}`,
    );
  }
  if (!FIELD_VALUE.test(value)) {
    throw new UsageError(`--header ${name}: the value holds a line break or a control character`);
  }
  const lower = name.toLowerCase();
  if (OWN_HEADERS.has(lower) || lower === 'expect') {
    throw new UsageError(
      `--header ${name}: perfsight sets the request's framing itself (Content-Length from --body, keep-alive connections)`,
    );
  }
  if (lower === 'connection' && !/^(close|keep-alive)$/i.test(value)) {
    throw new UsageError(`--header Connection: only "close" or "keep-alive"`);
  }
  return [name, value];
}

/** Which status codes count as success: a lookup by code (100–999). */
export interface ExpectedStatus {
  /** As the user wrote it, normalised: `200-399`, `200,204,301-302`. */
  readonly text: string;
  readonly accepts: (status: number) => boolean;
}

export const DEFAULT_EXPECTED_STATUS = '200-399';

/** `200-399`, `200,201,204`, `2xx`, or a mix: each a code, a range or a class. */
export function parseExpectedStatus(text: string): ExpectedStatus {
  const table = new Uint8Array(1000);
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) {
    const range = statusRange(part);
    if (!range) {
      throw new UsageError(
        `--expect-status expects status codes, ranges or classes such as 200-399, 200,204 or 2xx; got ${quote(text)}`,
      );
    }
    table.fill(1, range[0], range[1] + 1);
  }
  return { text: parts.join(','), accepts: (status) => table[status] === 1 };
}

/** `2xx` → [200, 299]; `204` → [204, 204]; `200-399` → [200, 399]; else undefined. */
function statusRange(part: string): [number, number] | undefined {
  const group = /^([1-9])xx$/i.exec(part);
  if (group) return [Number(group[1]) * 100, Number(group[1]) * 100 + 99];
  const codes = /^([1-9]\d\d)(?:\s*-\s*([1-9]\d\d))?$/.exec(part);
  if (!codes) return undefined;
  const from = Number(codes[1]);
  const to = codes[2] === undefined ? from : Number(codes[2]);
  return to >= from ? [from, to] : undefined;
}

/** A header whose value is a credential: kept out of reports and printed commands. */
export function isSecretHeader(name: string): boolean {
  return /^(authorization|proxy-authorization|cookie)$|token|secret|key|auth|passw|session|signature|credential/i.test(
    name,
  );
}
