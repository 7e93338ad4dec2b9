/**
 * The test pyramid, checked: a unit test file (any `test/**\/*.test.ts` but `*.e2e.test.ts`) and
 * every module it loads, in test/ and src/, followed through their imports, spawn no process and
 * never use the compiled `dist/`. Where a process is the point (a SIGKILL, bash, git, a heap
 * limit), the file is `*.e2e.test.ts`: the e2e project rebuilds `dist/` once before it runs
 * (test/helpers/fresh-dist.ts), the unit project does not, so a unit test on `dist/` would test
 * stale code, and a spawned one would cost a process start per test on a busy machine.
 *
 * `import type` is allowed (erased at compile time). Comments are ignored: only code counts.
 * This file names what it looks for, so it is the one file the text rule skips.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SELF = resolve(import.meta.filename);

/** Modules that start processes: nothing a unit test loads may import them at run time. */
const PROCESS_MODULES = new Set(['node:child_process', 'child_process', 'node:cluster', 'cluster']);
/** Code that points at the compiled program: `dist/...`, `'dist'` as a path segment, `bin/connectform`. */
const COMPILED = /(['"`/])dist(['"`/])|\bbin['"`]?\s*,\s*['"`]connectform|bin\/connectform/;
/** A dependency's own files (`'ajv/dist/standalone/index.js'`): a package name, not connectform's dist/. */
const DEPENDENCY_DIST = /(['"`])(?:@[\w.-]+\/)?\w[\w.-]*\/dist\//g;

/** Comments out (strings kept), so a comment about dist/ or a spawned CLI is no violation. */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (_m, before: string) => before);
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/** Static imports and re-exports, side-effect imports and dynamic `import('...')` with a literal. */
function parseImports(code: string): ImportRef[] {
  const found: ImportRef[] = [];
  for (const m of code.matchAll(/(?:^|[;\n])\s*(?:import|export)\s+(type\s+)?[^;'"]*?\bfrom\s*(['"])([^'"\n]+)\2/g)) {
    found.push({ specifier: m[3], typeOnly: Boolean(m[1]) });
  }
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*(['"])([^'"\n]+)\1/g))
    found.push({ specifier: m[2], typeOnly: false });
  for (const m of code.matchAll(/\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g))
    found.push({ specifier: m[2], typeOnly: false });
  return found;
}

/** `./x.js` from `file` → the `.ts` source it compiles from, if it is one of ours. */
function resolveLocal(file: string, specifier: string, exists: (file: string) => boolean): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(file), specifier);
  const ts = target.replace(/\.js$/, '.ts');
  if (exists(ts)) return ts;
  return exists(target) && target.endsWith('.ts') ? target : undefined;
}

/**
 * Every rule broken by `entry` or a module it loads at run time, as `path: what (via a → b)`.
 * `read` and `exists` see the real files here, made-up ones in the self-test.
 */
function pyramidViolations(
  entry: string,
  read: (file: string) => string,
  exists: (file: string) => boolean = existsSync,
  root = ROOT,
  /** Modules already checked (shared across entries: each module is reported once). */
  seen = new Set<string>(),
): string[] {
  const out: string[] = [];
  const rel = (f: string) => relative(root, f).split(sep).join('/');
  const visit = (file: string, via: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = stripComments(read(file));
    const chain = [...via, rel(file)];
    const where = chain.length > 1 ? ` (via ${chain.join(' → ')})` : '';
    if (file !== SELF && COMPILED.test(code.replace(DEPENDENCY_DIST, '$1')))
      out.push(`${rel(file)}: uses the compiled dist/${where}`);
    for (const ref of parseImports(code)) {
      if (ref.typeOnly) continue;
      if (PROCESS_MODULES.has(ref.specifier)) out.push(`${rel(file)}: imports ${ref.specifier}${where}`);
      const local = resolveLocal(file, ref.specifier, exists);
      if (local) visit(local, chain);
    }
  };
  visit(entry, []);
  return out;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the test pyramid', () => {
  const all = testFiles(join(ROOT, 'test'));
  const unit = all.filter((f) => !f.endsWith('.e2e.test.ts'));

  it('finds both kinds of test file', () => {
    expect(unit.length).toBeGreaterThan(50);
    expect(all.length - unit.length).toBeGreaterThan(5);
  });

  it('unit test files, and all they load, spawn nothing and never use dist/', () => {
    const source = (f: string) => readFileSync(f, 'utf8');
    const seen = new Set<string>();
    expect(unit.flatMap((f) => pyramidViolations(f, source, existsSync, ROOT, seen))).toEqual([]);
  });

  it('catches a spawn or a dist/ path, in the file or in a helper it loads; not a type import or a comment', () => {
    const files: Record<string, string> = {
      '/r/test/a.test.ts':
        "import { helper } from './helper.js';\nimport type { ChildProcess } from 'node:child_process';",
      '/r/test/helper.ts': "import { execFile } from 'node:child_process';\n// runs dist/cli/main.js",
      '/r/test/b.test.ts': "const BIN = join(ROOT, 'bin', 'connectform.js');",
      '/r/test/c.test.ts': "const main = await import('../dist/cli/main.js');",
      '/r/test/d.test.ts':
        "// spawns with node:child_process, reads dist/\nimport type { X } from 'node:child_process';",
      '/r/test/e.test.ts': "import standalone from 'ajv/dist/standalone/index.js';",
      '/r/test/f.test.ts': "const main = 'ajv/dist/x.js' + join(ROOT, 'dist');",
    };
    const check = (f: string) =>
      pyramidViolations(
        f,
        (file) => files[file],
        (file) => file in files,
        '/r',
      );
    expect(check('/r/test/a.test.ts')).toEqual([
      'test/helper.ts: imports node:child_process (via test/a.test.ts → test/helper.ts)',
    ]);
    expect(check('/r/test/b.test.ts')).toEqual(['test/b.test.ts: uses the compiled dist/']);
    expect(check('/r/test/c.test.ts')).toEqual(['test/c.test.ts: uses the compiled dist/']);
    expect(check('/r/test/d.test.ts')).toEqual([]);
    expect(check('/r/test/e.test.ts')).toEqual([]);
    expect(check('/r/test/f.test.ts')).toEqual(['test/f.test.ts: uses the compiled dist/']);
  });
});
