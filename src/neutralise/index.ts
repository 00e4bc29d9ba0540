/**
 * Data neutralised where it is rendered, one module per target (DESIGN.md, trust rules):
 * the terminal (control and escape sequences), CSV (spreadsheet formulas), Markdown
 * (markup, mentions). HTML is escaped by `escapeHtml` in `report/html`.
 */
export { terminalLine, terminalSafeJson, terminalText } from './terminal.js';
export { csvField, fromSpreadsheetCell, spreadsheetCell } from './csv.js';
export { markdownText } from './markdown.js';
