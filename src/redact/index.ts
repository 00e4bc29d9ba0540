/**
 * Secrets never leave the place they were given (DESIGN.md, trust rules). Every URL, target,
 * webhook or message that reaches a person or a file goes through here first: the userinfo
 * of a URL, every query value, the fragment and the path segments that hold a key (a
 * webhook's token, a generated key: `_path.ts`) become `***`; `password=…`-style pairs
 * (`PGPASSWORD=…`, `api_key=…`, `token=…`) and `Bearer …` credentials too. The scheme,
 * host, port and the rest of the path stay, so a message still says which server it is about.
 */

import { redactPath } from './_path.js';

export const REDACTED = '***';

/** Any `scheme://…` up to a space or a quote: URLs inside messages (pg, undici, ours). */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** Punctuation that ends a sentence rather than the URL. */
const TRAILING = /[.,;:!?)\]}]+$/;
/**
 * `name=value` where the name says it is a credential (case-insensitive, any prefix); a
 * value already `***` (a redacted URL's query) is left with what follows it.
 */
const SECRET_PAIR =
  /\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?|auth))(\s*=\s*)(?!\*\*\*(?:[\s&;,"'.:!?)\]}]|$))("[^"]*"|'[^']*'|[^\s&;,"']+)/gi;
/** `Bearer <token>` as in an Authorization header (8+ characters: not the word in a sentence). */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * A URL fit to show: `http://user:pw@host:1/p?token=abc#x` → `http://***@host:1/p?token=***#***`,
 * and a key in the path goes too: `https://hooks.slack.com/services/T0/B0/XyZ` keeps
 * `https://hooks.slack.com/services` and hides the three segments after it.
 * Relative text (a file path) passes unchanged unless it has a query or a fragment; so does
 * the path of a `file:` URL (a folder name is not a key).
 */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:)?(\/\/)?([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/is.exec(url);
  const [, scheme = '', slashes = '', userinfo, rest = '', query, fragment] = match ?? [];
  // Parsed by hand rather than with `URL`: the text is shown as given (no normalisation),
  // and a URL that `URL` refuses may still carry a password.
  return (
    scheme +
    slashes +
    (userinfo ? `${REDACTED}@` : '') +
    (slashes && !/^file:$/i.test(scheme) ? withoutPathSecrets(rest) : rest) +
    (query === undefined ? '' : redactQuery(query)) +
    (fragment === undefined ? '' : `#${REDACTED}`)
  );
}

/** `host:port/path` with the path's secret segments hidden. */
function withoutPathSecrets(hostAndPath: string): string {
  const slash = hostAndPath.indexOf('/');
  if (slash < 0) return hostAndPath;
  const host = hostAndPath.slice(0, slash);
  return host + redactPath(host, hostAndPath.slice(slash));
}

/** `?a=1&b` → `?a=***&***`: every value may be a key, a token or a signature. */
function redactQuery(query: string): string {
  if (query === '?') return query;
  const pairs = query
    .slice(1)
    .split('&')
    .map((pair) => {
      if (pair === '') return pair;
      const equals = pair.indexOf('=');
      return equals < 0 ? REDACTED : `${pair.slice(0, equals)}=${REDACTED}`;
    });
  return `?${pairs.join('&')}`;
}

/** A message, a description or a log line with every URL and credential in it redacted. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (found) => {
      const tail = TRAILING.exec(found)?.[0] ?? '';
      return redactUrl(found.slice(0, found.length - tail.length)) + tail;
    })
    .replace(SECRET_PAIR, (_, name: string, equals: string) => `${name}${equals}${REDACTED}`)
    .replace(BEARER, `Bearer ${REDACTED}`);
}

/** Every string in a JSON-like value through `redactText` (report configuration, workload). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/**
 * `http://user:pw@host/…` → the URL without its userinfo and the `Authorization: Basic`
 * header it stands for: undici ignores userinfo, and the credentials should travel to the
 * server only, in the header, never in a URL someone may print.
 */
export function credentialsApart(url: string): { url: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (!parsed.username && !parsed.password) return { url, headers: {} };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  return { url: parsed.toString(), headers: { authorization: `Basic ${basic}` } };
}
