/**
 * The malformed-config corpus: every file under cases/ (plus the huge, deep and binary ones,
 * generated below rather than committed) goes through `connectform plan <file> --format json`
 * against a sandbox of its own. Each must end in a clear positioned error:
 *   - exit 1, nothing on stdout, no stack trace;
 *   - at least one `file:line:col: error: ...` line, and the one its `# expect:` line names
 *     (`L[:C] /regex/`, or `* /regex/` for any position; `;;` separates several);
 *   - no API call at all (`sandbox.stats().calls === 0`): a broken config never reaches AWS;
 *   - within its time limit (hostile inputs must not hang the CLI).
 * File-level problems (too big, not text, no target at all) have no better place than 1:1;
 * `file:1:1` is accepted for those, and only for those.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { MAX_FILE_BYTES } from '../../src/config/load.js';
import { BIN, INSTANCE, tempDir } from '../helpers/cli.js';

const CASES_DIR = join(import.meta.dirname, 'cases');
/** CLI runs at once: 2 cores, and most of a run is node start-up. */
const CONCURRENCY = 4;
const DEFAULT_LIMIT_MS = 20_000;
/** For the wide documents: ample for linear work, far too little for quadratic. */
const WIDE_LIMIT_MS = 20_000;

interface Expectation {
  line?: number;
  col?: number;
  re: RegExp;
}

interface Case {
  name: string;
  file: string;
  expect: Expectation[];
  limitMs: number;
}

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  calls: number;
  ms: number;
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
      return { name: f.replace(/\.yaml$/, ''), file, expect: parseExpect(spec[1]), limitMs: DEFAULT_LIMIT_MS };
    });
}

const TARGET = `targets:\n  sandbox:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: \${env.CF_SANDBOX_ENDPOINT}\n`;
const RULE = (i: number, name = `rule-${i}`) =>
  `  - Name: ${name}\n    TriggerEventSource: { EventSourceName: OnMetricDataUpdate }\n    Function: "$.Metric.CONTACTS_IN_QUEUE > ${i}"\n    PublishStatus: PUBLISHED\n    Actions: [ { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: e${i} } } ]\n`;

/** Too big, too deep, too wide or not text: written at run time, not committed. */
function generatedCases(dir: string): Case[] {
  const out: Case[] = [];
  const add = (name: string, content: string | Buffer, expectSpec: string, limitMs = DEFAULT_LIMIT_MS) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, content);
    out.push({ name, file, expect: parseExpect(expectSpec), limitMs });
  };

  // Over the size limit: refused before it is read.
  let big = `${TARGET}rules:\n`;
  const chunk = RULE(1);
  big += chunk.repeat(Math.ceil((MAX_FILE_BYTES + 1024 - big.length) / chunk.length));
  add('huge-over-5mib', big, '1:1 /config files may be at most 5 MiB/');

  // Just under the limit, one error at the very end: parsed, validated, positioned.
  let large = `${TARGET}rules:\n`;
  let i = 0;
  while (large.length < MAX_FILE_BYTES - 64 * 1024) large += RULE(i++);
  const lastLine = large.split('\n').length; // the broken item starts on this line
  large += `  - Name: has spaces and no other fields\n`;
  add('large-error-at-end', large, `${lastLine}:5 /rules\\[${i}\\]: missing required field 'TriggerEventSource'/ ;; ${lastLine}:11 /rules\\[${i}\\]\\.Name: must match/`);

  // Deep nesting: flow and block style, a little and a lot over MAX_DEPTH, closed and not.
  add('deep-flow-1000', `${TARGET}rules: ${'['.repeat(1000)}${']'.repeat(1000)}\n`, '* /nesting is deeper than 64 levels/');
  add('deep-flow-100000', `${TARGET}rules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, '* /nesting is deeper than 64 levels/');
  add('deep-flow-unclosed-50000', `${TARGET}rules: ${'[{a: '.repeat(50_000)}\n`, '* /nesting is deeper than 64 levels/');
  let block = `${TARGET}rules:\n  - Name: deep\n    Tags:\n`;
  for (let d = 0; d < 1000; d++) block += `${' '.repeat(6 + d)}k${d}:\n`;
  add('deep-block-1000', block, '* /nesting is deeper than 64 levels/');
  add('deep-map-flow-2000', `${TARGET}settings: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n`, '* /nesting is deeper than 64 levels/');

  // Wide: one mapping with 150,000 keys (~2 MiB) under an unknown key, and 80,000 unknown keys
  // at the top level (80,000 errors, each positioned). Linear work takes 1-3 s; the limit is
  // there because quadratic work on these takes minutes.
  let wide = `${TARGET}rules: []\nleftovers:\n`;
  for (let k = 0; k < 150_000; k++) wide += `  key${k}: ${k}\n`;
  add('wide-mapping-150k-keys', wide, "7:1 /unknown top-level key 'leftovers'/", WIDE_LIMIT_MS);
  let wideRoot = TARGET;
  for (let k = 0; k < 80_000; k++) wideRoot += `key${k}: ${k}\n`;
  add('wide-root-80k-unknown-keys', wideRoot, "6:1 /unknown top-level key 'key0'/ ;; 80005:1 /unknown top-level key 'key79999'/", WIDE_LIMIT_MS);

  // One 4 MiB scalar.
  add('long-line-4mib', `${TARGET}rules:\n  - Name: ${'x'.repeat(4 * 1024 * 1024)}\n`, "7:5 /rules\\[0\\]: missing required field/ ;; 7:11 /rules\\[0\\]\\.Name: must be at most/");

  // Not text.
  add('binary-nul-bytes', Buffer.concat([Buffer.from(`${TARGET}rules: []\n`), Buffer.from([0, 0, 0, 1, 2, 3])]), '7:1 /file is binary \\(it contains a NUL byte\\)/');
  add('binary-invalid-utf8', Buffer.concat([Buffer.from(`${TARGET}rules:\n  - Name: caf`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]), '1:1 /file is not valid UTF-8/');
  let x = 0x9e3779b9;
  const garbage = Buffer.alloc(64 * 1024, 0);
  for (let b = 0; b < garbage.length; b++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    garbage[b] = 1 + (x % 255); // no NUL: only the UTF-8 check can catch it
  }
  add('binary-garbage', garbage, '1:1 /file is not valid UTF-8/');
  add('binary-utf16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${TARGET}rules: []\n`, 'utf16le')]), '* /file is binary/');
  return out;
}

function runPlan(file: string, cwd: string, endpoint: string, limitMs: number): Promise<Omit<Outcome, 'calls'>> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, 'plan', file, '--format', 'json'],
      { cwd, env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', CF_SANDBOX_ENDPOINT: endpoint }, maxBuffer: 256 * 1024 * 1024, timeout: limitMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

/** One sandbox per case, so `calls` is that case's alone. */
async function runCase(c: Case, cwd: string): Promise<Outcome> {
  const sandbox = await startSandbox({ quotas: false });
  try {
    const r = await runPlan(c.file, cwd, sandbox.endpoint, c.limitMs);
    return { ...r, calls: sandbox.stats().calls };
  } finally {
    await sandbox.stop();
  }
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Positioned {
  line: number;
  col: number;
  text: string;
}

/** The `file:line:col: error: text` lines about this case's file. */
function positionedErrors(stderr: string, file: string): Positioned[] {
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(?:.*[\\\\/])?${name}:(\\d+):(\\d+): error: (.*)$`, 'gm');
  return [...stderr.matchAll(re)].map((m) => ({ line: Number(m[1]), col: Number(m[2]), text: m[3] }));
}

describe('malformed configs: positioned error, exit 1, no stack trace, no API call', () => {
  const dir = tempDir('corpus-');
  const cases = [...fileCases(), ...generatedCases(dir)];
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    // The slow ones (generated: big, deep, wide) first, so the many quick ones fill in around them.
    const weight = (c: Case) => (c.limitMs !== DEFAULT_LIMIT_MS ? 2 : c.file.startsWith(CASES_DIR) ? 0 : 1);
    const slowFirst = [...cases].sort((a, b) => weight(b) - weight(a));
    await pool(slowFirst, CONCURRENCY, async (c) => {
      outcomes.set(c.name, await runCase(c, dir));
    });
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true }); // ~20 MiB of generated cases
    if (process.env.CORPUS_VERBOSE) {
      for (const c of cases) {
        const o = outcomes.get(c.name)!;
        console.log(`${c.name}: exit ${o.code} ${Math.round(o.ms)} ms\n  ${o.stderr.split('\n').slice(0, 3).join('\n  ')}`);
      }
    }
  });

  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = outcomes.get(c.name)!;
    const shown = `exit ${o.code}${o.signal ? ` (${o.signal})` : ''} after ${Math.round(o.ms)} ms\n--- stderr ---\n${o.stderr.slice(0, 3000)}\n--- stdout ---\n${o.stdout.slice(0, 500)}`;
    expect(o.signal, `killed after its ${c.limitMs} ms limit\n${shown}`).toBeNull();
    expect(o.code, shown).toBe(1);
    expect(o.stdout, shown).toBe('');
    expect(o.stderr, `stack trace\n${shown}`).not.toMatch(/^\s+at /m);
    expect(o.calls, `API calls made\n${shown}`).toBe(0);

    const errors = positionedErrors(o.stderr, c.file);
    expect(errors.length, `no "file:line:col: error:" line\n${shown}`).toBeGreaterThan(0);
    for (const e of c.expect) {
      const hit = errors.some((p) => (e.line === undefined || p.line === e.line) && (e.col === undefined || p.col === e.col) && e.re.test(p.text));
      expect(hit, `expected an error${e.line ? ` at ${e.line}${e.col ? `:${e.col}` : ''}` : ''} matching ${e.re}\n${shown}`).toBe(true);
    }
  });
});
