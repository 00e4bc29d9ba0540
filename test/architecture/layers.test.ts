import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The messages of the layering rules on `text`, linted as if it were the file at `path`. */
async function layeringErrors(path: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.startsWith('import-x/'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

// ESLint resolves every import through TypeScript: slow on a shared machine.
describe('the layering rule (eslint.config.js, part of npm test)', { timeout: 120_000 }, () => {
  it('fails analysis importing report (the layer beside it, which renders analysis)', async () => {
    const errors = await layeringErrors(
      'src/analysis/upward.ts',
      "import { renderJunitXml } from '../report/index.js';\nexport const render = renderJunitXml;\n",
    );
    expect(errors).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*Analysis must not import report/),
    ]);
  });

  it('fails a lower layer importing a higher one, and passes the same import downward', async () => {
    const upward = await layeringErrors(
      'src/metrics/upward.ts',
      "import { analyzeRun } from '../analysis/index.js';\nexport const analyze = analyzeRun;\n",
    );
    expect(upward).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*lower layer must not import/),
    ]);
    const downward = await layeringErrors(
      'src/report/downward.ts',
      "import { analyzeRun } from '../analysis/index.js';\nexport const analyze = analyzeRun;\n",
    );
    expect(downward).toEqual([]);
  });

  it("fails importing another folder's _-prefixed file, not the folder's own", async () => {
    const foreign = await layeringErrors(
      'src/monitor/internal.ts',
      "import { sleep } from '../load/_async.js';\nexport const wait = sleep;\n",
    );
    expect(foreign).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*internal to it/),
    ]);
    const own = await layeringErrors(
      'src/load/internal.ts',
      "import { sleep } from './_async.js';\nexport const wait = sleep;\n",
    );
    expect(own).toEqual([]);
  });

  it('fails a file cycle', async () => {
    // model/build.ts imports model/types.ts: types.ts importing build.ts back closes a cycle.
    const errors = await layeringErrors(
      'src/model/types.ts',
      "import { buildSummaryReport } from './build.js';\nexport const build = buildSummaryReport;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/^import-x\/no-cycle: /)]);
  });
});

describe('the pure middle', { timeout: 300_000 }, () => {
  it('fails model or analysis touching files; passes the same import at an edge', async () => {
    const eslint = new ESLint({ cwd: root });
    const text = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    for (const path of ['src/analysis/reads.ts', 'src/model/reads.ts']) {
      const [result] = await eslint.lintText(text, { filePath: join(root, path) });
      expect(result?.messages.map((m) => `${m.ruleId}: ${m.message}`)).toEqual([
        expect.stringMatching(/^no-restricted-imports: .*are pure/),
      ]);
    }
    const [edge] = await eslint.lintText(text, { filePath: join(root, 'src/samples/reads.ts') });
    expect(edge?.messages).toEqual([]);
  });

  it('holds today: analysis and model import no higher layer, no report, no file access', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['src/analysis', 'src/model']);
    expect(results.length).toBeGreaterThan(10);
    const broken = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId}`),
    );
    expect(broken).toEqual([]);
  });
});
