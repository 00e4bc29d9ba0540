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

/**
 * The number as `json` wrote it under `key`: JSON.parse turns `1e999` into Infinity, which a
 * message would show as "Infinity" or `null`; the user should see what their file says.
 */
export function writtenNumber(json: string, key: string, value: number): string {
  const name = JSON.stringify(key);
  const at = json.indexOf(name);
  const written =
    at < 0 ? undefined : /^\s*:\s*(-?[\d.eE+-]+)/.exec(json.slice(at + name.length))?.[1];
  return written ?? `${value < 0 ? '-' : ''}a number beyond ±1.8e308`;
}
