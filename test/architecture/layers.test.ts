/**
 * The layer rules of docs/ARCHITECTURE.md, checked on the import statements of src/**\/*.ts.
 *
 * A parameter enters at cli/ and travels down (cli → config → engine → kinds → aws); render/
 * only reads the data the engine produced; the sandbox shares the AWS models with the client and
 * nothing else, because an emulator that imports the client's beliefs proves nothing about them.
 *
 * Imports that break a rule today are listed in ALLOWED below, each with the rule it breaks: the
 * test passes with them and fails on any new violation, and on an allowed one that is gone (so
 * the list only ever shrinks).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

interface ImportRef {
  /** The module specifier as written ('../engine/plan.js', 'node:fs', 'yaml'). */
  specifier: string;
  /** `import type ...` / `export type ... from`: erased at compile time, no runtime dependency. */
  typeOnly: boolean;
  line: number;
}

/** Comments out, strings and line breaks kept, so positions and specifiers survive. */
function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (_m, before: string) => before);
}

/**
 * Every static import, re-export, side-effect import and dynamic `import('...')` with a literal
 * specifier. Statements may span lines (`import {\n a,\n b\n} from '...'`).
 */
function parseImports(source: string): ImportRef[] {
  const text = stripComments(source);
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const found: ImportRef[] = [];
  const clause = String.raw`(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)`;
  const fromStatement = new RegExp(
    String.raw`(?:^|[;\n])\s*(import|export)\s+(type\s+)?${clause}\s*from\s*(['"])([^'"\n]+)\3`,
    'g',
  );
  for (const m of text.matchAll(fromStatement)) {
    found.push({ specifier: m[4], typeOnly: Boolean(m[2]), line: lineAt(m.index + m[0].indexOf(m[1])) });
  }
  for (const m of text.matchAll(/(?:^|[;\n])\s*import\s*(['"])([^'"\n]+)\1/g)) {
    found.push({ specifier: m[2], typeOnly: false, line: lineAt(m.index + m[0].indexOf('import')) });
  }
  for (const m of text.matchAll(/\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)) {
    found.push({ specifier: m[2], typeOnly: false, line: lineAt(m.index) });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** A module of src/, by its path relative to src/ with forward slashes ('engine/plan.ts'). */
interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

/** The layer is the first directory under src/ ('(root)' for src/errors.ts and the like). */
function layerOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? '(root)' : path.slice(0, i);
}

/** Imports between modules of src/ (packages and node: builtins are not layers). */
function edgesOf(fromPath: string, source: string): Edge[] {
  const edges: Edge[] = [];
  for (const ref of parseImports(source)) {
    if (!ref.specifier.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(fromPath), ref.specifier)).replace(/\.js$/, '.ts');
    edges.push({ from: fromPath, to: target, typeOnly: ref.typeOnly, line: ref.line });
  }
  return edges;
}

interface Rule {
  id: string;
  text: string;
  /** True when `edge` breaks the rule. */
  broken(edge: Edge): boolean;
}

/** aws/models.ts and the model files under aws/models/: data the client and the sandbox share. */
const isModels = (path: string) => path === 'aws/models.ts' || path.startsWith('aws/models/');

const RULES: Rule[] = [
  {
    id: 'render-reads-types',
    text: 'render/ imports from src only its own files, util/ (leaf helpers that import no layer) and types (`import type`) from engine/',
    broken: (e) =>
      layerOf(e.from) === 'render' &&
      layerOf(e.to) !== 'render' &&
      layerOf(e.to) !== 'util' &&
      !(layerOf(e.to) === 'engine' && e.typeOnly),
  },
  {
    id: 'nothing-imports-cli',
    text: 'nothing outside cli/ imports cli/',
    broken: (e) => layerOf(e.to) === 'cli' && layerOf(e.from) !== 'cli',
  },
  {
    id: 'sandbox-shares-only-models',
    text: 'sandbox/ imports from src only its own files and the AWS models (aws/models.ts, aws/models/)',
    broken: (e) => layerOf(e.from) === 'sandbox' && layerOf(e.to) !== 'sandbox' && !isModels(e.to),
  },
  {
    id: 'config-below-engine',
    text: 'config/ imports neither engine/ nor cli/',
    broken: (e) => layerOf(e.from) === 'config' && (layerOf(e.to) === 'engine' || layerOf(e.to) === 'cli'),
  },
];

/**
 * Violations that exist today, each with the rule it breaks and why it is there. Remove an entry
 * when the import goes; never add one without saying which rule it breaks and why it cannot wait.
 */
const ALLOWED: { from: string; to: string; rule: string; why: string }[] = [
  {
    from: 'render/index.ts',
    to: 'engine/redact.ts',
    rule: 'render-reads-types',
    why: 'the renderer entry turns every plan into its printable form itself (redactPlan: pure data to data), so no caller can print a sensitive value by forgetting to; the alternative, a runtime check that callers redacted, leaves the guarantee to every caller',
  },
  {
    from: 'render/values.ts',
    to: 'sensitive.ts',
    rule: 'render-reads-types',
    why: 'a sensitive marker is shown as itself, not as a quoted value; sensitive.ts is a leaf module (no imports) shared by config, engine and render',
  },
  {
    from: 'sandbox/ops/connect.ts',
    to: 'aws/connect-rules.ts',
    rule: 'sandbox-shares-only-models',
    why: "ACTION_MEMBER (ActionType → RuleAction member) is a fact of the Connect API the models do not carry; the rule kind and the sandbox share one copy of it. It is client-side code, so the sandbox enforces the client's belief: move the table into the model data (src/aws/models/) or give the sandbox its own sourced copy.",
  },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function allEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    edgesOf(relative(SRC, file).split(sep).join('/'), readFileSync(file, 'utf8')),
  );
}

function violations(edges: Edge[], rules: Rule[] = RULES): { rule: string; edge: Edge }[] {
  return edges.flatMap((edge) => rules.filter((r) => r.broken(edge)).map((r) => ({ rule: r.id, edge })));
}

const key = (v: { rule: string; from: string; to: string }) => `${v.rule}: ${v.from} → ${v.to}`;

describe('the import parser', () => {
  it('finds static, multi-line, type-only, re-exported, side-effect and dynamic imports, and skips comments', () => {
    const refs = parseImports(
      [
        "import { a } from './a.js';",
        'import type { B } from "../engine/plan.js";',
        'import {',
        '  c,',
        '  type D,',
        "} from '../kinds/index.js';",
        "import * as e from './e.js';",
        "import f, { g } from './f.js';",
        "export { h } from './h.js';",
        "export type { I } from './i.js';",
        "export * from './j.js';",
        "import './k.js';",
        "const l = await import('./l.js');",
        "// import { m } from '../cli/m.js';",
        "/* import { n } from '../cli/n.js'; */",
        "const url = 'https://example.com'; // a comment",
        'export const o = 1;',
        "import { p } from 'yaml';",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.specifier, r.typeOnly, r.line])).toEqual([
      ['./a.js', false, 1],
      ['../engine/plan.js', true, 2],
      ['../kinds/index.js', false, 3],
      ['./e.js', false, 7],
      ['./f.js', false, 8],
      ['./h.js', false, 9],
      ['./i.js', true, 10],
      ['./j.js', false, 11],
      ['./k.js', false, 12],
      ['./l.js', false, 13],
      ['yaml', false, 18],
    ]);
  });

  it('resolves specifiers to modules of src/ and ignores packages', () => {
    const edges = edgesOf(
      'sandbox/ops/connect.ts',
      "import { x } from '../../aws/models.js';\nimport { y } from 'node:fs';\nimport type { Z } from '../server.js';",
    );
    expect(edges.map((e) => [e.to, e.typeOnly])).toEqual([
      ['aws/models.ts', false],
      ['sandbox/server.ts', true],
    ]);
  });
});

describe('the layer rules', () => {
  it('each rule catches what it forbids and lets the rest through', () => {
    const edge = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly, line: 1 });
    const broken = (e: Edge) => violations([e]).map((v) => v.rule);
    expect(broken(edge('render/text.ts', 'engine/plan.ts'))).toEqual(['render-reads-types']);
    expect(broken(edge('render/text.ts', 'engine/plan.ts', true))).toEqual([]);
    expect(broken(edge('render/text.ts', 'kinds/common.ts', true))).toEqual(['render-reads-types']);
    expect(broken(edge('render/text.ts', 'render/values.ts'))).toEqual([]);
    expect(broken(edge('engine/session.ts', 'cli/io.ts', true))).toEqual(['nothing-imports-cli']);
    expect(broken(edge('cli/plan.ts', 'cli/io.ts'))).toEqual([]);
    expect(broken(edge('sandbox/world.ts', 'aws/models.ts'))).toEqual([]);
    expect(broken(edge('sandbox/world.ts', 'aws/models/connect.json'))).toEqual([]);
    expect(broken(edge('sandbox/world.ts', 'kinds/types.ts', true))).toEqual(['sandbox-shares-only-models']);
    expect(broken(edge('sandbox/world.ts', 'aws/clients.ts'))).toEqual(['sandbox-shares-only-models']);
    expect(broken(edge('config/resolve.ts', 'engine/plan.ts', true))).toEqual(['config-below-engine']);
    expect(broken(edge('config/resolve.ts', 'kinds/types.ts', true))).toEqual([]);
  });

  it('src/ breaks no rule except the allowed imports, and every allowed import still exists', () => {
    const edges = allEdges();
    expect(edges.length).toBeGreaterThan(100); // the parser saw the code base, not nothing
    const found = violations(edges).map((v) => ({
      ...v,
      key: key({ rule: v.rule, from: v.edge.from, to: v.edge.to }),
    }));
    const allowed = new Set(ALLOWED.map(key));
    const fresh = found
      .filter((v) => !allowed.has(v.key))
      .map((v) => `${v.edge.from}:${v.edge.line} imports ${v.edge.to} (${RULES.find((r) => r.id === v.rule)?.text})`);
    expect(fresh, 'new layer violations (see docs/ARCHITECTURE.md, "Layer rules")').toEqual([]);
    const present = new Set(found.map((v) => v.key));
    expect(
      ALLOWED.map(key).filter((k) => !present.has(k)),
      'allowed violations that are gone: remove them from ALLOWED',
    ).toEqual([]);
  });

  it('the rules checked here are the ones docs/ARCHITECTURE.md states', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
    for (const rule of RULES)
      expect(doc, `docs/ARCHITECTURE.md should state rule ${rule.id}`).toContain(`\`${rule.id}\``);
  });
});
