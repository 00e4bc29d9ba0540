import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../_helpers.js';

/**
 * Which packages a command loads: `report --no-history` reads a file and writes a folder, so
 * it must not pay for the HTTP client, the Prometheus registry or the database drivers that
 * other commands (or a history store it was told not to open) need, nor for the libraries
 * only some of its own paths need (zod for a config file, jstat for a trend or a comparison).
 * Both ways a package can come in are seen: `import` (a resolve hook lists every URL) and
 * `require` (the CommonJS cache).
 */
function packagesLoadedBy(args: string[]): { code: unknown; packages: string[]; files: string[] } {
  const cwd = tempDir('perfsight-cwd-');
  const answer = join(cwd, 'loaded.json');
  const imported = join(cwd, 'imported.txt');
  const hook = `
    import { appendFileSync } from 'node:fs';
    let file;
    export function initialize(data) { file = data.file; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(file, resolved.url + '\\n');
      return resolved;
    }
  `;
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { createRequire, register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)}, import.meta.url, {
      data: { file: ${JSON.stringify(imported)} },
    });
    const { main } = await import(${JSON.stringify(join(ROOT, 'dist', 'cli', 'index.js'))});
    const code = await main(['node', 'perfsight', ...${JSON.stringify(args)}]);
    const files = [
      ...Object.keys(createRequire(import.meta.url).cache),
      ...readFileSync(${JSON.stringify(imported)}, 'utf8').split('\\n').map(decodeURIComponent),
    ].filter((file) => file.includes('node_modules'));
    const loaded = files.map((file) =>
      file.replace(/.*node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+).*/, '$1'),
    );
    writeFileSync(${JSON.stringify(answer)}, JSON.stringify({ code, packages: [...new Set(loaded)], files }));
    process.exit(0);
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return JSON.parse(readFileSync(answer, 'utf8')) as {
    code: unknown;
    packages: string[];
    files: string[];
  };
}

describe('perfsight start-up (built CLI)', () => {
  it('report --no-history loads neither the other commands’ libraries nor a history driver', () => {
    const dir = tempDir();
    const samples = join(dir, 'samples.csv');
    writeFileSync(samples, 'latency_ms,success\n12.5,true\n14,true\n30.25,true\n');
    const out = join(dir, 'out');
    const { code, packages, files } = packagesLoadedBy([
      'report',
      samples,
      '-o',
      out,
      '--no-history',
    ]);
    expect(code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    // What it does load, seen both ways: commander by import, hdr-histogram-js by require.
    expect(packages).toEqual(expect.arrayContaining(['commander', 'hdr-histogram-js']));
    for (const heavy of ['pg', 'better-sqlite3', 'undici', 'prom-client', 'zod', 'jstat']) {
      expect(packages).not.toContain(heavy);
    }
    // Of hdr-histogram-js only the builder and the codec: not its index, which loads the log
    // writer (an Intl.NumberFormat made at load) and the rest of the package.
    const hdrFiles = files.filter((file) => /hdr-histogram-js[\\/]dist[\\/]/.test(file));
    expect(hdrFiles.some((file) => /HistogramBuilder\.js$/.test(file))).toBe(true);
    expect(
      hdrFiles.filter((file) => /dist[\\/](index|HistogramLogWriter)\.js$/.test(file)),
    ).toEqual([]);
  });
});
