import { terminalLine } from './terminal.js';

/**
 * Text from data inside a Markdown line or table cell (report.md, comparison.md: CI job
 * summaries and pull-request comments). Markdown specials are backslash-escaped (no table
 * break, no link, no emphasis, no inline HTML, no entity), and what GitHub would turn into
 * a notification or a cross-reference — `@org/team`, `#123` — gets a zero-width space after
 * its `@` or `#` (as Renovate and Dependabot do): it reads the same and pings no one.
 * A line break becomes a space; other control characters are shown as escapes (the file
 * is also read with `cat`).
 */
export function markdownText(text: unknown): string {
  return terminalLine(String(text ?? '').replace(/\r?\n/g, ' '))
    .replace(/[\\`*_<>[\]|~&]/g, (c) => `\\${c}`)
    .replace(/([@#])(?=[\w-])/g, '$1&#8203;');
}
