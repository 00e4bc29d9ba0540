/**
 * Text from data (test names, error types, descriptions, collector names, messages that
 * quote them) shown on a terminal. An ESC or CSI in a test name could move the cursor,
 * rewrite earlier lines, set the window title or hide what follows; a bidi override could
 * make a line read differently from what it says. Each such character is shown as its
 * escape (`\x1b`, `\u202e`) instead: visible, harmless, and still telling.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls (8-bit CSI and OSC among them), the
 * bidi embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, newline included
const UNSAFE_OR_NEWLINE = /[\u0000-\u0008\n\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text for the terminal: control characters made visible, newlines and tabs kept. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** One line for the terminal: as `terminalText`, and a newline shown as `\x0a` too. */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE_OR_NEWLINE, escaped);
}

/**
 * JSON text (`--json` on stdout, the report's JSON files) safe on a terminal too.
 * `JSON.stringify` escapes C0 controls but leaves DEL, C1 controls and bidi overrides raw;
 * they can only occur inside strings, where `\uXXXX` is the same value: the data is
 * unchanged for any JSON reader.
 */
export function terminalSafeJson(text: string): string {
  return text.replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
