/**
 * Secrets in a URL's path (Slack, Discord and Teams webhooks, API keys in a segment): which
 * segments are hidden, by three rules the README states under "Secrets and data from
 * outside". A hidden segment is hidden whole (`sk_live_…` becomes `***`, not `sk_live_***`):
 * what is left of a key is never a clue to it.
 */

const HIDDEN = '***';

/**
 * 1. Hosts whose webhook URLs are the secret: every segment after the first is hidden
 *    (Slack's `hooks.slack.com/services/…`, Teams' `…webhook.office.com/webhookb2/…`).
 */
const WEBHOOK_HOSTS = [
  /^hooks\.slack\.com$/,
  /(^|\.)webhook\.office\.com$/,
  /^outlook\.office(365)?\.com$/,
];
/** Telegram's bot API: `api.telegram.org/bot<id>:<token>/sendMessage`. */
const TOKEN_SEGMENT_HOSTS: ReadonlyArray<[RegExp, RegExp]> = [[/^api\.telegram\.org$/, /^bot/i]];

/**
 * 2. On any host, every segment after one of these names is hidden: Discord's
 *    `/api/webhooks/<id>/<token>`, Mattermost's and Rocket.Chat's `/hooks/<key>`, Zapier's
 *    `/hooks/catch/<id>/<key>`.
 */
const HOOK_NAMES = new Set(['hook', 'hooks', 'webhook', 'webhooks', 'webhookb2']);

/**
 * `path` (from its first `/`, without query or fragment) with its secret segments as `***`.
 * `host` is the URL's host, lowercase or not, port included or not.
 */
export function redactPath(host: string, path: string): string {
  const hostname = host
    .replace(/:\d*$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const segments = path.split('/');
  // segments[0] is '' (the path starts with '/'): the first real segment is segments[1].
  const allButFirst = WEBHOOK_HOSTS.some((h) => h.test(hostname));
  const tokenSegment = TOKEN_SEGMENT_HOSTS.find(([h]) => h.test(hostname))?.[1];
  let afterHook = false;
  return segments
    .map((segment, i) => {
      if (segment === '' || segment === HIDDEN) return segment;
      const hide =
        (allButFirst && i > 1) ||
        afterHook ||
        (tokenSegment?.test(segment) ?? false) ||
        holdsGeneratedKey(decoded(segment));
      afterHook ||= HOOK_NAMES.has(segment.toLowerCase());
      return hide ? HIDDEN : segment;
    })
    .join('/');
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * 3. A key a machine generated, in any segment: a UUID; 16 or more hex digits in a row with
 *    both digits and letters; or a run of 16 or more letters and digits (32 or more counting
 *    base64's `+`, `/`, `=` and base64url's `-`, `_`) that mixes two of lowercase, capitals and
 *    digits and does not read as words. Names of that length are words glued together
 *    (`getUserProfileById`, `EfficientNetV2B3`), so their parts are long and pronounceable; a
 *    generated key changes case or between letters and digits every few characters, or has
 *    unpronounceable parts. An id of the same shape (a UUID, a hex object id) is hidden too:
 *    perfsight cannot tell it from a key, and a report is still clear with the id as `***`.
 */
export function holdsGeneratedKey(segment: string): boolean {
  if (UUID.test(segment)) return true;
  if ((segment.match(HEX_RUN) ?? []).some((run) => /\d/.test(run) && /[a-f]/i.test(run))) {
    return true;
  }
  return (
    (segment.match(/[A-Za-z0-9]+/g) ?? []).some((run) => looksGenerated(run, 16)) ||
    (segment.match(/[A-Za-z0-9_+/=-]+/g) ?? []).some((run) => looksGenerated(run, 32))
  );
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const HEX_RUN = /[0-9a-f]{16,}/gi;
/** The parts of a name: a number, a word (`get`, `User`) or capitals (`HTTP`, `V`). */
const PART = /\d+|[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
/** 4 consonants in a row within one part: rare in words (`y` counts as a vowel). */
const UNPRONOUNCEABLE = /[bcdfghjklmnpqrstvwxz]{4}/i;
/** Below this many characters per part on average, a run changes case or kind too often for words. */
const WORD_PART_LENGTH = 3;

function looksGenerated(run: string, minLength: number): boolean {
  if (run.length < minLength) return false;
  const kinds = Number(/[a-z]/.test(run)) + Number(/[A-Z]/.test(run)) + Number(/\d/.test(run));
  if (kinds < 2) return false;
  const parts = run.split(/[-_+/=]+/).flatMap((piece) => piece.match(PART) ?? []);
  const characters = parts.reduce((sum, part) => sum + part.length, 0);
  return characters / parts.length < WORD_PART_LENGTH || parts.some((p) => UNPRONOUNCEABLE.test(p));
}
