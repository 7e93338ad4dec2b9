/**
 * The malformed-config corpus, shared by the in-process cases (malformed.test.ts) and the ones
 * big enough to need a process of their own (malformed-huge.e2e.test.ts): the cases under cases/,
 * the generated ones, and what a clear positioned error is.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { MAX_RESOURCES } from '../../src/config/bounds.js';
import { MAX_FILE_BYTES } from '../../src/config/load.js';
import { INSTANCE } from '../helpers/cli.js';
import { exampleFunctionJson } from '../helpers/rule-function.js';

const CASES_DIR = join(import.meta.dirname, 'cases');

export interface Expectation {
  line?: number;
  col?: number;
  re: RegExp;
}

export interface Case {
  name: string;
  file: string;
  expect: Expectation[];
}

/** `# expect: 12:5 /re/ ;; * /re/` → expectations. */
export function parseExpect(spec: string): Expectation[] {
  return spec.split(';;').map((part) => {
    const m = /^\s*(\*|\d+(?::\d+)?)\s+\/(.*)\/\s*$/.exec(part);
    if (!m) throw new Error(`bad expect spec: ${part}`);
    const [line, col] = m[1] === '*' ? [] : m[1].split(':').map(Number);
    return { line, col, re: new RegExp(m[2]) };
  });
}

export function fileCases(): Case[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(CASES_DIR, f);
      const spec = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'));
      if (!spec) throw new Error(`${f} has no "# expect:" line`);
      return { name: f.replace(/\.yaml$/, ''), file, expect: parseExpect(spec[1]) };
    });
}

export const TARGET = `targets:\n  sandbox:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: http://127.0.0.1:4566\n`;
export const TARGET_LINES = TARGET.split('\n').length - 1;
export const RULE = (i: number, name = `rule-${i}`) =>
  `  - Name: ${name}\n    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }\n    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable', i)}'\n    PublishStatus: PUBLISHED\n    Actions: [ { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: e${i} } } ]\n`;
/** `rules: [{},{},...]`: 3 bytes an item, the shape that costs the parser the most per byte. */
export const EMPTY_ITEMS = (key: string, n: number) => `${TARGET}${key}: [${'{},'.repeat(n - 1)}{}]\n`;

/** Too big, too deep, too wide or not text: written at run time, not committed. */
export function generatedCases(dir: string, where: 'in-process' | 'child'): Case[] {
  const out: Case[] = [];
  /**
   * `child`: big or deep enough (over 1 MiB to parse, or 100,000 brackets on the native stack) that
   * only a process of its own gives it a fair budget.
   */
  const add = (name: string, content: string | Buffer, expectSpec: string, child = false) => {
    if (child !== (where === 'child')) return;
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, content);
    out.push({ name, file, expect: parseExpect(expectSpec) });
  };

  // Over the size limit: refused before it is read.
  let big = `${TARGET}rules:\n`;
  const chunk = RULE(1);
  big += chunk.repeat(Math.ceil((MAX_FILE_BYTES + 1024 - big.length) / chunk.length));
  add('huge-over-5mib', big, '1:1 /config files may be at most 5 MiB/');

  // Just under the size limit, one error at the very end: parsed, validated, positioned. Each
  // rule carries a long tag, so the file is big in bytes but light for the parser (under
  // MAX_YAML_WEIGHT) and has fewer than MAX_RESOURCES rules.
  let large = `${TARGET}rules:\n`;
  let i = 0;
  const note = 'n'.repeat(250);
  while (large.length < MAX_FILE_BYTES - 64 * 1024) large += `${RULE(i++)}    Tags: { note: ${note} }\n`;
  const lastLine = large.split('\n').length; // the broken item starts on this line
  large += `  - Name: has spaces and no other fields\n`;
  add(
    'large-error-at-end',
    large,
    `${lastLine}:5 /rules\\[${i}\\]: missing required field 'TriggerEventSource'/ ;; ${lastLine}:11 /rules\\[${i}\\]\\.Name: must match/`,
    true,
  );

  // Aliases amplify bytes (issue 23): a 1 MB Function merged into 300 rules, a 1 MB string
  // aliased 2,000 times. Few values, hundreds of MB of text: refused at the alias that crosses
  // MAX_ALIAS_BYTES, before any value is built from it. Over 1 MiB to parse: in a child.
  const mb = 'x'.repeat(1024 * 1024);
  let merged = `${TARGET}defaults: &s\n  Function: "${mb}"\nrules:\n`;
  for (let r = 0; r < 300; r++) merged += `  - <<: *s\n    Name: r${r}\n`;
  add('bomb-merge-bytes', merged, '* /aliases and merge keys repeat more than 5242880 bytes of text/', true);
  add(
    'bomb-alias-bytes',
    `${TARGET}leftovers:\n  s: &s "${mb}"\n  l: [${Array(2000).fill('*s').join(', ')}]\n`,
    `${TARGET_LINES + 3}:27 /aliases and merge keys repeat more than 5242880 bytes of text/`,
    true,
  );

  // Deep nesting: flow and block style, just, a little and a lot over MAX_DEPTH, closed and not.
  // The root mapping is level 1, so 63 brackets under a top-level key are the deepest allowed.
  add(
    'deep-flow-64-allowed',
    `${TARGET}leftovers: ${'['.repeat(63)}${']'.repeat(63)}\n`,
    `${TARGET_LINES + 1}:1 /unknown top-level key 'leftovers'/`,
  );
  add(
    'deep-flow-65',
    `${TARGET}rules: ${'['.repeat(64)}${']'.repeat(64)}\n`,
    `${TARGET_LINES + 1}:71 /nesting is deeper than 64 levels/`,
  );
  add(
    'deep-flow-1000',
    `${TARGET}rules: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
    '* /nesting is deeper than 64 levels/',
  );
  add(
    'deep-flow-100000',
    `${TARGET}rules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    '* /nesting is deeper than 64 levels/',

    true,
  );
  add(
    'deep-flow-unclosed-50000',
    `${TARGET}rules: ${'[{a: '.repeat(50_000)}\n`,
    '* /nesting is deeper than 64 levels/',

    true,
  );
  let block = `${TARGET}rules:\n  - Name: deep\n    Tags:\n`;
  for (let d = 0; d < 1000; d++) block += `${' '.repeat(6 + d)}k${d}:\n`;
  add('deep-block-1000', block, '* /nesting is deeper than 64 levels/');
  add(
    'deep-map-flow-2000',
    `${TARGET}settings: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n`,
    '* /nesting is deeper than 64 levels/',
  );

  // Wide: one mapping with 120,000 keys (~1.6 MiB, just under MAX_YAML_WEIGHT) under an unknown
  // key, and 80,000 unknown keys at the top level (80,000 errors: the first 200 are shown).
  // Linear work takes seconds; quadratic work on these takes minutes.
  let wide = `${TARGET}rules: []\nleftovers:\n`;
  for (let k = 0; k < 120_000; k++) wide += `  key${k}: ${k}\n`;
  add('wide-mapping-120k-keys', wide, `${TARGET_LINES + 2}:1 /unknown top-level key 'leftovers'/`, true);
  let wideRoot = TARGET;
  for (let k = 0; k < 80_000; k++) wideRoot += `key${k}: ${k}\n`;
  add(
    'wide-root-80k-unknown-keys',
    wideRoot,
    `${TARGET_LINES + 1}:1 /unknown top-level key 'key0'/ ;; ${TARGET_LINES + 200}:1 /unknown top-level key 'key199'/`,
    true,
  );

  // Too many resources: 25,000 empty items (once a stack overflow), refused where the list
  // crosses MAX_RESOURCES, before any item is validated.
  add(
    'resources-25k-empty-items',
    EMPTY_ITEMS('rules', 25_000),
    `${TARGET_LINES + 1}:${9 + 3 * MAX_RESOURCES} /rules\\[${MAX_RESOURCES}\\]: the config declares more than ${MAX_RESOURCES} resources/`,
    true,
  );
  // Too heavy for the parser, in a form other than flow items: 1.5 million comment lines.
  add(
    'weight-comment-lines',
    `${TARGET}${'#\n'.repeat(1_500_000)}`,
    '* /file holds more YAML than one file may/',
    true,
  );

  // One 4 MiB scalar.
  add(
    'long-line-4mib',
    `${TARGET}rules:\n  - Name: ${'x'.repeat(4 * 1024 * 1024)}\n`,
    '7:5 /rules\\[0\\]: missing required field/ ;; 7:11 /rules\\[0\\]\\.Name: must be at most/',
    true,
  );

  // Not text.
  add(
    'binary-nul-bytes',
    Buffer.concat([Buffer.from(`${TARGET}rules: []\n`), Buffer.from([0, 0, 0, 1, 2, 3])]),
    '7:1 /file is binary \\(it contains a NUL byte\\)/',
  );
  add(
    'binary-invalid-utf8',
    Buffer.concat([Buffer.from(`${TARGET}rules:\n  - Name: caf`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]),
    '1:1 /file is not valid UTF-8/',
  );
  let x = 0x9e3779b9;
  const garbage = Buffer.alloc(64 * 1024, 0);
  for (let b = 0; b < garbage.length; b++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    garbage[b] = 1 + (x % 255); // no NUL: only the UTF-8 check can catch it
  }
  add('binary-garbage', garbage, '1:1 /file is not valid UTF-8/');
  add(
    'binary-utf16le',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${TARGET}rules: []\n`, 'utf16le')]),
    '* /file is binary/',
  );
  return out;
}

export interface Positioned {
  line: number;
  col: number;
  text: string;
}

/** The `file:line:col: error: text` lines about this case's file. */
export function positionedErrors(output: string, file: string): Positioned[] {
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(?:.*[\\\\/])?${name}:(\\d+):(\\d+): error: (.*)$`, 'gm');
  return [...output.matchAll(re)].map((m) => ({ line: Number(m[1]), col: Number(m[2]), text: m[3] }));
}

/** The output is the clear, positioned error the case expects: no stack, no JS error text. */
export function expectPositioned(c: Case, output: string): void {
  const shown = `--- output ---\n${output.slice(0, 3000)}`;
  expect(output, `stack trace\n${shown}`).not.toMatch(/^\s+at /m);
  expect(output, `JavaScript error text\n${shown}`).not.toMatch(
    /RangeError|TypeError|Maximum call stack|heap out of memory|FATAL ERROR/,
  );
  const errors = positionedErrors(output, c.file);
  expect(errors.length, `no "file:line:col: error:" line\n${shown}`).toBeGreaterThan(0);
  for (const e of c.expect) {
    const hit = errors.some(
      (p) =>
        (e.line === undefined || p.line === e.line) && (e.col === undefined || p.col === e.col) && e.re.test(p.text),
    );
    expect(
      hit,
      `expected an error${e.line ? ` at ${e.line}${e.col ? `:${e.col}` : ''}` : ''} matching ${e.re}\n${shown}`,
    ).toBe(true);
  }
}
