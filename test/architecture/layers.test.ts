/**
 * The layer rules of docs/ARCHITECTURE.md, checked on the import statements of src/**\/*.ts.
 *
 * A parameter enters at cli/ and travels down (cli → engine → kinds → aws, with config/ read by
 * cli and engine and itself reading kinds/ for the registry); render/ only reads the data the
 * engine produced and neither engine/ nor config/ imports it; the sandbox shares the AWS models
 * with the client and nothing else, because an emulator that imports the client's beliefs proves
 * nothing about them. Nothing outside src/kinds names a kind (see kindNamings below).
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
  {
    id: 'config-one-door',
    text: 'outside config/, config/load.ts, resolve.ts, validate.ts and interpolate.ts are reached only through config/index.ts',
    broken: (e) =>
      layerOf(e.from) !== 'config' &&
      ['config/load.ts', 'config/resolve.ts', 'config/validate.ts', 'config/interpolate.ts'].includes(e.to),
  },
  {
    id: 'engine-not-render',
    text: 'engine/ does not import render/ (the engine produces data; the CLI chooses how it is printed)',
    broken: (e) => layerOf(e.from) === 'engine' && layerOf(e.to) === 'render',
  },
  {
    id: 'config-not-render',
    text: 'config/ does not import render/',
    broken: (e) => layerOf(e.from) === 'config' && layerOf(e.to) === 'render',
  },
  {
    id: 'kinds-below-engine',
    text: 'kinds/ imports neither engine/ nor config/ (a kind is called by them, never calls back)',
    broken: (e) => layerOf(e.from) === 'kinds' && (layerOf(e.to) === 'engine' || layerOf(e.to) === 'config'),
  },
  {
    id: 'aws-at-the-bottom',
    text: 'aws/ imports none of kinds/, engine/, config/, render/ (the AWS layer knows calls, not resources)',
    broken: (e) => layerOf(e.from) === 'aws' && ['kinds', 'engine', 'config', 'render'].includes(layerOf(e.to)),
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
    from: 'config/annotations.ts',
    to: 'render/escape.ts',
    rule: 'config-not-render',
    why: "problem lines (terminal and GitHub annotations) are formatted next to the problems, before any plan exists, with the one set of escaping rules per destination; moving formatProblems/githubAnnotation(s) into render/ would make render import errors.ts and config/bounds.ts (render-reads-types), and moving escape.ts out of render/ would make every renderer import a module outside render/. Fix with a problems renderer once render/ may read errors.ts's Problem",
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

// ------------------------------------------------------------------------------------------
// Nothing outside src/kinds names a kind
// ------------------------------------------------------------------------------------------

/**
 * Code selects a kind by comparing or looking up its name or config key, and that takes a string
 * literal (`kind === 'rule'`, `kindByName('taskTemplates')`, `['rules', ...]`): so the check is a
 * string literal whose whole text is a registered kind's name or config key, in src/ outside
 * src/kinds, comments excluded. Identifiers and prose are not checked: `rules` and `rule` are
 * everyday words here (layer rules, safety rules), and a message that mentions a kind selects
 * nothing.
 *
 * src/sandbox is excepted: it is AWS's side, which knows nothing of our kinds; its collections
 * carry the API's own names (`rules`, `taskTemplates`), which our config keys copy because YAML
 * field names are the API's own.
 */
const KIND_NAMING_EXEMPT_DIRS = ['kinds/', 'sandbox/'];

/** Literals outside src/kinds that spell a kind's name today, per file, with why. */
const KIND_NAMES_ALLOWED: { file: string; names: string[]; why: string }[] = [
  {
    file: 'config/plan-schemas.ts',
    names: ['rule'],
    why: "a blocker's member `rule` (the safety rule that blocked), spelled like the rule kind; not the kind",
  },
  {
    file: 'bench/generate.ts',
    names: ['rules', 'taskTemplates', 'customActions'],
    why: 'the bench is a fixed workload of the built-in kinds (as test fixtures are): it writes their config sections',
  },
  {
    file: 'bench/inprocess.ts',
    names: ['rule', 'rules', 'taskTemplate', 'taskTemplates', 'customAction', 'customActions'],
    why: 'the in-process bench builds live resources of the built-in kinds directly (as test fixtures do)',
  },
  {
    file: 'bench/main.ts',
    names: ['rules'],
    why: "the bench's --rules flag: how many rules its fixed workload holds",
  },
];

/**
 * String literals of `source`: quoted strings and template literals without `${}` (a template
 * with one is never a whole name), found by a small scanner that steps over comments. A quoted
 * string ends at its line's end at the latest, so a quote inside a regular expression literal
 * (read as code) cannot swallow more than its line.
 */
function stringLiterals(source: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let line = 1;
  /** Template nesting: each entry counts the open braces of one `${ ... }`. */
  const templates: number[] = [];
  let i = 0;
  const readQuoted = (quote: string) => {
    const startLine = line;
    let text = '';
    for (i++; i < source.length && source[i] !== quote && source[i] !== '\n'; i++) {
      if (source[i] === '\\') text += source[i++];
      text += source[i];
    }
    if (source[i] === quote) i++;
    return { text, line: startLine };
  };
  /** From just after a backtick or a closing `}` of `${}` to the end of the template or the next `${`. */
  const readTemplate = (whole: boolean) => {
    const startLine = line;
    let text = '';
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '\\') {
        text += c + source[++i];
        continue;
      }
      if (c === '`') {
        i++;
        if (whole) out.push({ text, line: startLine });
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templates.push(0);
        return;
      }
      if (c === '\n') line++;
      text += c;
    }
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      line += source.slice(i, stop).split('\n').length - 1;
      i = stop;
    } else if (c === "'" || c === '"') {
      out.push(readQuoted(c));
    } else if (c === '`') {
      i++;
      readTemplate(true);
    } else if (templates.length && c === '{') {
      templates[templates.length - 1]++;
      i++;
    } else if (templates.length && c === '}') {
      i++;
      if (templates[templates.length - 1]-- === 0) {
        templates.pop();
        readTemplate(false);
      }
    } else i++;
  }
  return out;
}

function kindNamings(files: { path: string; source: string }[], names: ReadonlySet<string>) {
  return files
    .filter((f) => !KIND_NAMING_EXEMPT_DIRS.some((d) => f.path.startsWith(d)))
    .flatMap((f) =>
      stringLiterals(f.source)
        .filter((l) => names.has(l.text))
        .map((l) => ({ file: f.path, name: l.text, line: l.line })),
    );
}

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
    expect(broken(edge('engine/pull/index.ts', 'render/export-yaml.ts'))).toEqual(['engine-not-render']);
    expect(broken(edge('engine/export.ts', 'config/load.ts', true))).toEqual(['config-one-door']);
    expect(broken(edge('engine/export.ts', 'config/index.ts', true))).toEqual([]);
    expect(broken(edge('config/index.ts', 'config/load.ts'))).toEqual([]);
    expect(broken(edge('engine/plan.ts', 'render/values.ts', true))).toEqual(['engine-not-render']);
    expect(broken(edge('config/annotations.ts', 'render/escape.ts'))).toEqual(['config-not-render']);
    expect(broken(edge('kinds/rule.ts', 'engine/plan.ts', true))).toEqual(['kinds-below-engine']);
    expect(broken(edge('kinds/rule.ts', 'config/bounds.ts'))).toEqual(['kinds-below-engine']);
    expect(broken(edge('kinds/rule.ts', 'aws/clients.ts'))).toEqual([]);
    expect(broken(edge('aws/clients.ts', 'kinds/types.ts', true))).toEqual(['aws-at-the-bottom']);
    expect(broken(edge('aws/clients.ts', 'engine/plan.ts'))).toEqual(['aws-at-the-bottom']);
    expect(broken(edge('aws/clients.ts', 'errors.ts'))).toEqual([]);
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

  it('nothing outside src/kinds names a kind (src/sandbox excepted: AWS side), except the allowed literals', async () => {
    const { allKinds } = await import('../../src/kinds/index.js');
    const names = new Set(allKinds().flatMap((k) => [k.name, k.configKey]));
    expect(names.size).toBeGreaterThanOrEqual(8);
    const files = sourceFiles(SRC).map((file) => ({
      path: relative(SRC, file).split(sep).join('/'),
      source: readFileSync(file, 'utf8'),
    }));
    const found = kindNamings(files, names);
    const allowed = (v: { file: string; name: string }) =>
      KIND_NAMES_ALLOWED.some((a) => a.file === v.file && a.names.includes(v.name));
    expect(
      found.filter((v) => !allowed(v)).map((v) => `${v.file}:${v.line} names the kind '${v.name}'`),
      'ask the registry (src/kinds/index.ts) or the kind instead of naming it',
    ).toEqual([]);
    expect(
      KIND_NAMES_ALLOWED.flatMap((a) => a.names.map((name) => ({ file: a.file, name }))).filter(
        (a) => !found.some((v) => v.file === a.file && v.name === a.name),
      ),
      'allowed kind names that are gone: remove them from KIND_NAMES_ALLOWED',
    ).toEqual([]);
  });

  it('the kind-name check sees literals, not comments, identifiers or prose, and exempts kinds/ and sandbox/', () => {
    const names = new Set(['rule', 'rules']);
    const source = [
      "if (kind === 'rule') x();",
      'const k = "rules";',
      'const t = `rules`;',
      '// a comment about a rule: kind === "rule"',
      'const rules = layerRules; // identifiers are not names',
      "const msg = 'the rules of the layer';",
      'const u = `${a}rule`;',
    ].join('\n');
    const at = (path: string) => kindNamings([{ path, source }], names).map((v) => [v.name, v.line]);
    expect(at('engine/x.ts')).toEqual([
      ['rule', 1],
      ['rules', 2],
      ['rules', 3],
    ]);
    expect(at('kinds/x.ts')).toEqual([]);
    expect(at('sandbox/ops/x.ts')).toEqual([]);
  });

  it('the rules checked here are the ones docs/ARCHITECTURE.md states', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
    for (const rule of RULES)
      expect(doc, `docs/ARCHITECTURE.md should state rule ${rule.id}`).toContain(`\`${rule.id}\``);
  });
});
