/**
 * The malformed-config corpus: every file under cases/ (plus the huge, deep and binary ones,
 * generated below rather than committed) goes through what `connectform validate <file>` does
 * (load once, validate every target, format the problems), in this process, one test each with
 * its own time limit. Each must end in a clear positioned error:
 *   - a ConfigError (anything else thrown, such as a RangeError, fails the test);
 *   - no stack trace and no JavaScript error text in the output;
 *   - at least one `file:line:col: error: ...` line, and the one its `# expect:` line names
 *     (`L[:C] /regex/`, or `* /regex/` for any position; `;;` separates several).
 * A config that fails validation never reaches AWS: `plan` validates the same way first.
 * File-level problems (too big, not text, no target at all) have no better place than 1:1;
 * `file:1:1` is accepted for those, and only for those.
 *
 * Where the process is the point (memory and native stack on the biggest inputs), a few cases
 * run the real CLI in a child with --max-old-space-size=500: exit 1, a positioned error, no
 * crash. They run concurrently with nothing else in this file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatProblems } from '../../src/config/annotations.js';
import { MAX_RESOURCES, MAX_SHOWN_PROBLEMS, MAX_YAML_WEIGHT, VALUE_WEIGHT } from '../../src/config/bounds.js';
import { MAX_FILE_BYTES, loadConfig } from '../../src/config/load.js';
import { listTargets } from '../../src/config/resolve.js';
import { validateFor } from '../../src/config/index.js';
import { ConfigError, type Problem } from '../../src/errors.js';
import { BIN, INSTANCE, tempDir } from '../helpers/cli.js';
import { exampleFunctionJson } from '../helpers/rule-function.js';

const CASES_DIR = join(import.meta.dirname, 'cases');
/** Per case: ample for linear work on 5 MiB, far too little for quadratic work. */
const LIMIT_MS = 60_000;
/** Validation reads no environment here: every case is offline and self-contained. */
const ENV = {};

interface Expectation {
  line?: number;
  col?: number;
  re: RegExp;
}

interface Case {
  name: string;
  file: string;
  expect: Expectation[];
}

/** `# expect: 12:5 /re/ ;; * /re/` → expectations. */
function parseExpect(spec: string): Expectation[] {
  return spec.split(';;').map((part) => {
    const m = /^\s*(\*|\d+(?::\d+)?)\s+\/(.*)\/\s*$/.exec(part);
    if (!m) throw new Error(`bad expect spec: ${part}`);
    const [line, col] = m[1] === '*' ? [] : m[1].split(':').map(Number);
    return { line, col, re: new RegExp(m[2]) };
  });
}

function fileCases(): Case[] {
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

const TARGET = `targets:\n  sandbox:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: http://127.0.0.1:4566\n`;
const TARGET_LINES = TARGET.split('\n').length - 1;
const RULE = (i: number, name = `rule-${i}`) =>
  `  - Name: ${name}\n    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }\n    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable', i)}'\n    PublishStatus: PUBLISHED\n    Actions: [ { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: e${i} } } ]\n`;
/** `rules: [{},{},...]`: 3 bytes an item, the shape that costs the parser the most per byte. */
const EMPTY_ITEMS = (key: string, n: number) => `${TARGET}${key}: [${'{},'.repeat(n - 1)}{}]\n`;

/** Too big, too deep, too wide or not text: written at run time, not committed. */
function generatedCases(dir: string): Case[] {
  const out: Case[] = [];
  const add = (name: string, content: string | Buffer, expectSpec: string) => {
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
  );
  add(
    'deep-flow-unclosed-50000',
    `${TARGET}rules: ${'[{a: '.repeat(50_000)}\n`,
    '* /nesting is deeper than 64 levels/',
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
  add('wide-mapping-120k-keys', wide, `${TARGET_LINES + 2}:1 /unknown top-level key 'leftovers'/`);
  let wideRoot = TARGET;
  for (let k = 0; k < 80_000; k++) wideRoot += `key${k}: ${k}\n`;
  add(
    'wide-root-80k-unknown-keys',
    wideRoot,
    `${TARGET_LINES + 1}:1 /unknown top-level key 'key0'/ ;; ${TARGET_LINES + 200}:1 /unknown top-level key 'key199'/`,
  );

  // Too many resources: 25,000 empty items (once a stack overflow), refused where the list
  // crosses MAX_RESOURCES, before any item is validated.
  add(
    'resources-25k-empty-items',
    EMPTY_ITEMS('rules', 25_000),
    `${TARGET_LINES + 1}:${9 + 3 * MAX_RESOURCES} /rules\\[${MAX_RESOURCES}\\]: the config declares more than ${MAX_RESOURCES} resources/`,
  );
  // Too heavy for the parser, in a form other than flow items: 1.5 million comment lines.
  add('weight-comment-lines', `${TARGET}${'#\n'.repeat(1_500_000)}`, '* /file holds more YAML than one file may/');

  // One 4 MiB scalar.
  add(
    'long-line-4mib',
    `${TARGET}rules:\n  - Name: ${'x'.repeat(4 * 1024 * 1024)}\n`,
    '7:5 /rules\\[0\\]: missing required field/ ;; 7:11 /rules\\[0\\]\\.Name: must be at most/',
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

/**
 * What `connectform validate <file>` does (src/cli/validate.ts), minus the process: load once,
 * validate every target, format every problem. Only a ConfigError is an answer; anything else
 * thrown (a RangeError, a TypeError) fails the test as the crash it would be.
 */
async function validateInProcess(file: string): Promise<string> {
  const problems: Problem[] = [];
  try {
    const config = await loadConfig(file);
    const names = listTargets(config);
    for (const name of names.length ? names : [undefined]) {
      try {
        for (const p of validateFor(config, name, ENV).warnings) problems.push(p);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) problems.push(p);
      }
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) problems.push(p);
  }
  return formatProblems(problems, {});
}

interface Positioned {
  line: number;
  col: number;
  text: string;
}

/** The `file:line:col: error: text` lines about this case's file. */
function positionedErrors(output: string, file: string): Positioned[] {
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(?:.*[\\\\/])?${name}:(\\d+):(\\d+): error: (.*)$`, 'gm');
  return [...output.matchAll(re)].map((m) => ({ line: Number(m[1]), col: Number(m[2]), text: m[3] }));
}

/** The output is the clear, positioned error the case expects: no stack, no JS error text. */
function expectPositioned(c: Case, output: string): void {
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

describe('malformed configs: a positioned error, no stack trace, no crash', () => {
  const dir = tempDir('corpus-');
  const cases = [...fileCases(), ...generatedCases(dir)];
  afterAll(() => rmSync(dir, { recursive: true, force: true })); // ~20 MiB of generated cases

  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      expectPositioned(c, await validateInProcess(c.file));
    },
    LIMIT_MS,
  );

  it(
    `shows the first ${MAX_SHOWN_PROBLEMS} problems, then how many more`,
    async () => {
      // 300 unknown top-level keys: 300 problems, each on its own line.
      let text = TARGET;
      for (let k = 0; k < 300; k++) text += `unknown${k}: ${k}\n`;
      const file = join(dir, 'problems-300.yaml');
      writeFileSync(file, text);
      const output = await validateInProcess(file);
      const errors = positionedErrors(output, file);
      expect(errors).toHaveLength(MAX_SHOWN_PROBLEMS);
      expect(errors[0]).toMatchObject({
        line: TARGET_LINES + 1,
        col: 1,
        text: expect.stringMatching(/^unknown top-level key 'unknown0' /),
      });
      const last = MAX_SHOWN_PROBLEMS - 1;
      expect(errors.at(-1)).toMatchObject({
        line: TARGET_LINES + 1 + last,
        col: 1,
        text: expect.stringMatching(new RegExp(`^unknown top-level key 'unknown${last}' `)),
      });
      expect(output).toContain(`\n… and ${300 - MAX_SHOWN_PROBLEMS} more problems\n300 errors\n`);
    },
    LIMIT_MS,
  );
});

interface Spawned {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The real CLI with a 500 MB heap: a run that needs more dies with "heap out of memory". */
function validateInChild(file: string): Promise<Spawned> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=500', BIN, 'validate', file],
      {
        env: { ...process.env, ...ENV, NO_COLOR: '1', GITHUB_ACTIONS: '' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: LIMIT_MS,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

describe('the biggest inputs, in a process of their own: within 500 MB, exit 1, no crash', () => {
  const dir = tempDir('corpus-huge-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Weight per `{},`: `{` and `,` open a value or entry, `}` is light.
  const itemWeight = 2 * VALUE_WEIGHT + 1;
  const huge: Case[] = [
    // 1.3 million items, 3.9 MB: parsing it whole took 1.5 GB and minutes; refused while lexing.
    {
      name: 'flow-1.3m-empty-items',
      content: () => EMPTY_ITEMS('rules', 1_300_000),
      expect: [{ line: TARGET_LINES + 1, re: /file holds more YAML than one file may/ }],
    },
    // The heaviest file the lexer lets through (just under MAX_YAML_WEIGHT), under a key the
    // schema refuses: parsed, composed and checked in full.
    {
      name: 'heaviest-accepted',
      content: () => EMPTY_ITEMS('leftovers', Math.floor((MAX_YAML_WEIGHT - 200) / itemWeight)),
      expect: [{ line: TARGET_LINES + 1, col: 1, re: /unknown top-level key 'leftovers'/ }],
    },
    // 25,000 items: once a stack overflow (125,000 problems spread into one push).
    {
      name: 'flow-25k-empty-items',
      content: () => EMPTY_ITEMS('rules', 25_000),
      expect: [
        {
          line: TARGET_LINES + 1,
          re: new RegExp(`rules\\[${MAX_RESOURCES}\\]: the config declares more than ${MAX_RESOURCES} resources`),
        },
      ],
    },
  ].map((c) => {
    const file = join(dir, `${c.name}.yaml`);
    writeFileSync(file, c.content());
    return { name: c.name, file, expect: c.expect };
  });

  it.each(huge.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const o = await validateInChild(c.file);
      const shown = `exit ${o.code}${o.signal ? ` (${o.signal})` : ''}\n--- stderr ---\n${o.stderr.slice(0, 3000)}`;
      expect(o.signal, `killed after ${LIMIT_MS} ms\n${shown}`).toBeNull();
      expect(o.code, shown).toBe(1);
      expect(o.stdout, shown).toBe('');
      expectPositioned(c, o.stderr);
    },
    LIMIT_MS + 5_000,
  );
});
