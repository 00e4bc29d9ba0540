/**
 * `npm run build`'s second step: the `perfsight` command as a bundle in `dist/bundle/`, built
 * from tsc's output in `dist/`. Loaded module by module, a command took ~130 files (each
 * resolved, read through the thread pool, compiled apart) before doing anything: a `report` of
 * a 1,000-row file ran 173–191 ms, 139–153 bundled (fresh processes, alternating, 7 each).
 *
 * Each command stays a chunk of its own, loaded when asked for (cli/index.ts's dynamic
 * imports), and npm packages stay outside, loaded where perfsight's modules load them. The
 * library (`dist/index.js`) is not bundled: a library user imports modules as before.
 */
import { readFile, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const outdir = `${dist}bundle`;

/**
 * A module finds files beside itself (`./_samples-worker.js`, `../../package.json`, the
 * built-in model) through `import.meta.url`: in a chunk of dist/bundle/ that URL is the
 * chunk's. Each module keeps its own: its `import.meta.url` becomes the URL of its file in
 * dist/, reckoned from the chunk's, so the files it points at are the ones tsc wrote there.
 */
const ownUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(bundle) {
    bundle.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromChunk = relative(outdir, path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

// A build's chunks are named by their content: the last build's would stay beside them.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: `${dist}cli/index.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // Chunks sit beside the entry: the plugin's relative URLs assume one folder.
  chunkNames: '[name]-[hash]',
  plugins: [ownUrl],
  logLevel: 'warning',
});
