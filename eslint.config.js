// @ts-check
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Paths below are relative to the repository, wherever eslint runs from. */
const root = dirname(fileURLToPath(import.meta.url));

/**
 * The layers of src/, bottom to top (ARCHITECTURE.md): a folder may import its own layer and
 * the ones below it, never one above. `index.ts` (the library's face) is the top.
 */
const LAYERS = [
  ['src/random', 'src/errors.ts', 'src/input.ts', 'src/redact', 'src/neutralise'],
  ['src/metrics', 'src/load', 'src/workloads', 'src/environment'],
  ['src/model'],
  ['src/analysis', 'src/report'],
  ['src/history', 'src/samples'],
  ['src/pipeline'],
  ['src/monitor', 'src/dashboard'],
  ['src/cli'],
  ['src/index.ts'],
];

const layerZones = LAYERS.slice(0, -1).map((layer, rank) => ({
  target: layer,
  from: LAYERS.slice(rank + 1).flat(),
  message: 'A lower layer must not import a higher one (see ARCHITECTURE.md).',
}));

/** Analysis and report share a layer, but only report may use analysis (to render it). */
const analysisBelowReport = {
  target: 'src/analysis',
  from: 'src/report',
  message: 'Analysis must not import report: put what both need in src/model.',
};

/** `_`-prefixed files are internal to their folder: others use the folder's index.ts. */
const FOLDERS = LAYERS.flat().filter((path) => !path.endsWith('.ts'));
const internalZones = FOLDERS.map((folder) => ({
  target: [`src/!(${folder.slice('src/'.length)})/**`, 'src/*.ts'],
  from: `${folder}/**/_*`,
  message: `${folder}'s _-prefixed files are internal to it: import its index.ts instead.`,
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'perfsight-reports/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The layering: imports point down, never up, and files form no cycle.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these the cycle check would not read the .ts files an import leads to.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: join(root, 'tsconfig.json') }),
      ],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        { basePath: root, zones: [...layerZones, analysisBelowReport, ...internalZones] },
      ],
    },
  },
  {
    // The middle is pure: files, processes and sockets are the edges' business.
    files: ['src/model/**/*.ts', 'src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|worker_threads)$',
              message:
                'model and analysis are pure: read and write at the edges (samples, history, cli).',
            },
          ],
        },
      ],
    },
  },
);
