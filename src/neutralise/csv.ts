/**
 * Text from data in a CSV file a spreadsheet may open. A cell starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets
 * (`=HYPERLINK(…)` exfiltrates, DDE runs commands): it gets a leading `'` (OWASP's advice),
 * which spreadsheets show and never evaluate. Numbers (`-3.2`, `+1e3`) stay as they are, so
 * the file stays machine-readable; `fromSpreadsheetCell` undoes the prefix when perfsight
 * reads its own files back.
 */

const FORMULA = /^'*[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** `=HYPERLINK("x")` → `'=HYPERLINK("x")`; `-3.2` and `plain` unchanged. Reversible. */
export function spreadsheetCell(value: string): string {
  return FORMULA.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

/** The inverse of `spreadsheetCell`, for cells perfsight wrote. */
export function fromSpreadsheetCell(value: string): string {
  return value.startsWith("'") && FORMULA.test(value) ? value.slice(1) : value;
}

/** One CSV field: formula-neutralised, quoted when it holds a quote, comma or line break. */
export function csvField(value: string): string {
  const cell = spreadsheetCell(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
