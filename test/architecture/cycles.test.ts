import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../_helpers.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Every .ts file under `dir` and the files it imports (type-only imports included). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
        graph.set(
          path,
          importedFiles
            .map((f) => f.fileName)
            .filter((name) => name.startsWith('.'))
            .map((name) => resolve(dirname(path), name.replace(/\.js$/, '.ts')))
            .filter((target) => existsSync(target)),
        );
      }
    }
  };
  walk(dir);
  return graph;
}

/** The strongly connected groups of more than one file (Tarjan): each is a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

// eslint's import-x/no-cycle skips type-only imports; a cycle of types still ties two files
// together, so this check counts them too.
describe('no file cycle in src, type-only imports included', () => {
  it('finds a cycle made only of type imports (the check is not vacuous)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B[];\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport type B = A;\n");
    writeFileSync(join(dir, 'c.ts'), "import type { A } from './a.js';\nexport type C = A;\n");
    expect(cycles(importGraph(dir)).map((group) => group.map((f) => relative(dir, f)))).toEqual([
      ['a.ts', 'b.ts'],
    ]);
  });

  it('src has none', () => {
    const graph = importGraph(src);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph).map((group) => group.map((f) => relative(src, f)))).toEqual([]);
  });
});
