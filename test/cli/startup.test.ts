import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../_helpers.js';

/** A module hook that appends every URL resolved to the file given as its data. */
const RESOLVE_HOOK = `data:text/javascript,${encodeURIComponent(`
  import { appendFileSync } from 'node:fs';
  let file;
  export function initialize(data) { file = data.file; }
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    appendFileSync(file, resolved.url + '\\n');
    return resolved;
  }
`)}`;

/**
 * Which packages a command loads: `report --no-history` reads a file and writes a folder, so
 * it must not pay for the HTTP client, the Prometheus registry or the database drivers that
 * other commands (or a history store it was told not to open) need, nor for the libraries
 * only some of its own paths need (zod for a config file, jstat for a trend or a comparison).
 * Both ways a package can come in are seen: `import` (a resolve hook lists every URL) and
 * `require` (the CommonJS cache). The command is the bundle `bin/perfsight.js` runs: a chunk
 * shared by several commands could import a package that only one of them needs.
 */
function packagesLoadedBy(args: string[]): { code: unknown; packages: string[]; files: string[] } {
  const cwd = tempDir('perfsight-cwd-');
  const answer = join(cwd, 'loaded.json');
  const imported = join(cwd, 'imported.txt');
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { createRequire, register } from 'node:module';
    register(${JSON.stringify(RESOLVE_HOOK)}, import.meta.url, {
      data: { file: ${JSON.stringify(imported)} },
    });
    const { main } = await import(${JSON.stringify(join(ROOT, 'dist', 'bundle', 'cli.js'))});
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
    expect(packages).toContain('commander');
    for (const heavy of ['pg', 'better-sqlite3', 'undici', 'prom-client', 'zod', 'jstat']) {
      expect(packages).not.toContain(heavy);
    }
    // perfsight writes and reads its own HdrHistogram strings (metrics/_hdr-v2.ts): no file
    // of hdr-histogram-js (nor its wasm module, pako, base64-js or the AssemblyScript loader).
    for (const hdr of ['hdr-histogram-js', 'pako', 'base64-js', '@assemblyscript/loader']) {
      expect(packages).not.toContain(hdr);
    }
    expect(files.filter((file) => /hdr-histogram-js/.test(file))).toEqual([]);
  });
});

/** The files of dist/ that importing `module` (a path under dist/) loads, as `folder/file.js`, each once. */
function distModulesLoadedBy(module: string): string[] {
  const cwd = tempDir('perfsight-cwd-');
  const imported = join(cwd, 'imported.txt');
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(RESOLVE_HOOK)}, import.meta.url, {
      data: { file: ${JSON.stringify(imported)} },
    });
    await import(${JSON.stringify(join(ROOT, 'dist', module))});
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  // Resolved once per importer: each file once.
  const urls = new Set(readFileSync(imported, 'utf8').split('\n'));
  return [...urls]
    .map(decodeURIComponent)
    .filter((url) => url.includes('/dist/'))
    .map((url) => url.replace(/.*\/dist\//, ''));
}

describe('perfsight report’s samples worker (built CLI)', () => {
  it('is started before report loads its reading and report modules: report.js loads few', () => {
    // `perfsight report` starts the samples worker once cli/report.js is loaded and its
    // arguments parsed; the ~140 modules of the reading, the analysis and the report files
    // come after, while the worker boots. A static import of one of them in cli/report.js
    // (or in what it imports) would put them all back in front of the worker.
    const dist = distModulesLoadedBy('cli/report.js');
    expect(dist).toContain('report/_samples-files.js');
    for (const heavy of ['cli/_report-file.js', 'report/index.js', 'report/csv.js']) {
      expect(dist).not.toContain(heavy);
    }
    expect(
      dist.filter((file) => /^(metrics|samples|analysis|pipeline|history)\//.test(file)),
    ).toEqual([]);
  });

  it('loads the encoders and the flags, not the recorder behind metrics/index', () => {
    // The worker boots while the main thread reads: every module it loads is CPU taken from
    // the reading on a two-core machine. It imports what _samples-encode.js imports.
    const dist = distModulesLoadedBy('report/_samples-encode.js');
    expect(dist).toContain('report/csv.js');
    expect(dist).toContain('report/_arrow-ipc.js');
    expect(dist.filter((file) => /^metrics\//.test(file))).toEqual(['metrics/flags.js']);
    expect(dist).not.toContain('neutralise/index.js');
    expect(dist.length).toBeLessThanOrEqual(12);
  });
});

describe('HdrHistogram strings (built metrics)', () => {
  it('perfsight reads its own without hdr-histogram-js, and loads it only for a foreign one', () => {
    const cwd = tempDir('perfsight-cwd-');
    const answer = join(cwd, 'loaded.json');
    const metrics = join(ROOT, 'dist', 'metrics', 'index.js');
    // A 1-significant-digit histogram: not what perfsight writes, so read by the library.
    const script = `
      import { writeFileSync } from 'node:fs';
      import { createRequire } from 'node:module';
      const { LogLinearCounts, encodeHdrBase64, decodeHdrBase64 } = await import(${JSON.stringify(metrics)});
      const hdrFiles = () =>
        Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('hdr-histogram-js'));
      const counts = new LogLinearCounts(3);
      counts.recordMicros(1234);
      const own = decodeHdrBase64(encodeHdrBase64(counts)).totalCount;
      const before = hdrFiles();
      const foreign = decodeHdrBase64(process.argv[1]).totalCount;
      writeFileSync(${JSON.stringify(answer)}, JSON.stringify({ own, before, foreign, after: hdrFiles() }));
    `;
    const histogram = hdr.build({ numberOfSignificantValueDigits: 1, bitBucketSize: 64 });
    histogram.recordValueWithCount(5000, 4);
    const foreign = hdr.encodeIntoCompressedBase64(histogram);
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, foreign], {
      cwd,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(readFileSync(answer, 'utf8')) as {
      own: number;
      before: string[];
      foreign: number;
      after: string[];
    };
    expect(loaded.own).toBe(1);
    expect(loaded.before).toEqual([]);
    expect(loaded.foreign).toBe(4);
    expect(loaded.after.some((file) => /dist[\\/]encoding\.js$/.test(file))).toBe(true);
  });
});
