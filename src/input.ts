import { readFileSync } from 'node:fs';

/**
 * Text files perfsight reads (perfsight.config.json, detailed.json, model.json): UTF-8 with
 * a leading byte-order mark dropped, as editors on Windows save them. JSON.parse refuses a
 * BOM, so without this a file that looks right in every editor would be "not valid JSON".
 */
export function readTextFileSync(path: string): string {
  return withoutBom(readFileSync(path, 'utf8'));
}

export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
