/**
 * What a terminal adds to plain text: colour and hyperlinks. Decided per stream, applied to
 * text already neutralised (data can never carry its own escape sequences), and never the
 * only signal: every coloured word is still the word (PASS, FAIL, [high]…).
 */

interface Stream {
  isTTY?: boolean;
  hasColors?: () => boolean;
}

/**
 * Colour on `stream`: `FORCE_COLOR` (any value but `0`/`false`) turns it on even when piped,
 * `NO_COLOR` (any non-empty value) turns it off; otherwise only on a terminal that has colours
 * (never when piped: a log file or a test reads the words).
 */
export function colourOn(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !/^(0|false)$/i.test(force);
  if (env.NO_COLOR) return false;
  if (!stream.isTTY) return false;
  return stream.hasColors?.() ?? true;
}

const RESET = '\x1b[0m';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';

/** A line's colour, by what it says: the marks and levels the summaries print. */
const RULES: Array<[RegExp, string]> = [
  [/^(\s*)(✅ PASS|✅ .*)$/, GREEN],
  [/^(\s*)(❌ FAIL.*|❌ .*)$/, RED],
  [/^(\s*)(\[(?:high|critical)\] .*)$/, RED],
  [/^(\s*)(\[medium\] .*)$/, YELLOW],
  [/^()(Alert CRITICAL: .*)$/, RED],
  [/^()(Alert WARNING: .*)$/, YELLOW],
  [/^()(Risk: (?:HIGH|CRITICAL) .*)$/, RED],
  [/^()(Risk: MEDIUM .*)$/, YELLOW],
  [/^()(Risk: LOW .*)$/, GREEN],
  [/^()(⚠️ .*)$/, YELLOW],
  [/^()(perfsight: warning: .*)$/, YELLOW],
  [/^()(PERFORMANCE SUMMARY: .*|## perfsight comparison: .*)$/, BOLD],
  [/^()(={20,})$/, DIM],
];

/** Verdict marks inside a line (comparison tables), coloured where they stand. */
const MARKS: Array<[RegExp, string]> = [
  [/❌ (?:regressed|FAIL)/g, RED],
  [/✅ (?:improved|PASS)/g, GREEN],
  [/❔ insufficient data|〰️ within noise/g, YELLOW],
];

/**
 * The text with its verdict lines coloured (green passes, red failures and high severities,
 * yellow warnings), or as given when `on` is false. Pure.
 */
export function paint(text: string, on: boolean): string {
  if (!on) return text;
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, colour] of RULES) {
        const match = pattern.exec(line);
        if (match) return `${match[1]}${colour}${match[2]}${RESET}`;
      }
      return MARKS.reduce(
        (painted, [mark, colour]) => painted.replace(mark, (m) => `${colour}${m}${RESET}`),
        line,
      );
    })
    .join('\n');
}

/**
 * `text` as an OSC 8 hyperlink to `url` on a terminal, plain otherwise. The URL is a file://
 * URL made by `pathToFileURL` (control characters percent-encoded): anything else is not linked.
 */
export function link(url: string, text: string, stream: Stream): string {
  if (!stream.isTTY || !/^[\x21-\x7e]+$/.test(url)) return text;
  return `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;
}
