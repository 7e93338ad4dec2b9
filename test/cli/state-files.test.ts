/**
 * Files connectform reads back from disk — the journal, the snapshot cache, the --sandbox state —
 * are checked against their schema when read: a damaged or foreign one is named in one line and
 * ignored (the cache: the run reads afresh) or refused (the journal, the sandbox state), never
 * a TypeError. Through the CLI, in process.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { postCallRule, planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';

let sandbox: SandboxHandle;
let dir: string;
const cli = (...args: string[]) => runCliInProcess([...args, '--quota-scale', '50'], { cwd: dir });
const onlyFileIn = (sub: string) => {
  const [file] = readdirSync(join(dir, '.connectform', sub));
  return join('.connectform', sub, file); // as the CLI names it: relative to its working directory
};
const describes = () => sandbox.stats().operations['connect:DescribeRule']?.calls ?? 0;

beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  dir = tempDir('state-files-');
  writeConfig(
    dir,
    { t: { endpoint: sandbox.endpoint } },
    {},
    { rules: [postCallRule('kept-1'), postCallRule('kept-2')] },
  );
  expect((await cli('apply', dir, '--auto-approve')).code).toBe(0); // leaves a journal (empty) and a cache
});
afterAll(async () => sandbox?.stop());

/** One line on stderr, naming the file, saying what to do; no stack, no TypeError. */
function expectOneLineRefusal(r: { code: number; stdout: string; stderr: string }, file: string, what: RegExp) {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(what);
  expect(r.stderr + r.stdout).not.toMatch(/TypeError|\n\s+at /);
}

describe('the journal', () => {
  const cases: [string, string, RegExp][] = [
    ['damaged JSON', '{"format":2,"creates":{', /is not JSON/],
    [
      'a wrong shape',
      JSON.stringify({ format: 2, creates: [], replaces: {} }),
      /is not a journal \(at \/creates: must be object\)/,
    ],
    [
      'a wrong entry',
      JSON.stringify({ format: 2, creates: { 'rule\u0000x': { nonce: 7, at: 1 } }, replaces: {} }),
      /is not a journal \(at \/creates\/rule\\u0000x\/nonce: must be string\)/,
    ],
    ['a foreign file', JSON.stringify({ name: 'some-package', version: '1.0.0' }), /is not a journal/],
    [
      'a foreign version',
      JSON.stringify({ format: 99, creates: {}, replaces: {} }),
      /another version of connectform \(journal format 99; this one reads 3\)/,
    ],
  ];
  it.each(cases)('with %s is refused in one line naming the file and what to do', async (_, text, why) => {
    const file = onlyFileIn('pending');
    const good = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), text);
    try {
      const r = await cli('plan', dir);
      expectOneLineRefusal(r, file, why);
      expect(r.stderr).toMatch(/delete it if no apply was interrupted/);
    } finally {
      writeFileSync(join(dir, file), good);
    }
    expect((await cli('plan', dir)).code).toBe(0);
  });
});

describe('the snapshot cache', () => {
  const cases: [string, string, RegExp][] = [
    ['damaged JSON', '{"format":3,"entries":[', /not JSON/],
    [
      'a wrong shape',
      JSON.stringify({ format: 3, entries: [['rule|x', { live: 5 }]] }),
      /not a snapshot cache \(at \/entries\/0\/1/,
    ],
    ['a foreign file', JSON.stringify([1, 2, 3]), /not a snapshot cache/],
    [
      'a foreign version',
      JSON.stringify({ format: 99, entries: {} }),
      /another version of connectform \(cache format 99; this one reads 3\)/,
    ],
  ];
  it.each(cases)('with %s is named in one note and ignored: every resource is read afresh', async (_, text, why) => {
    await cli('plan', dir); // a good cache
    const file = onlyFileIn('cache');
    writeFileSync(join(dir, file), text);
    sandbox.resetStats();
    const r = await cli('plan', dir, '--format', 'json');
    expect(r.code).toBe(0);
    const notes = (planOf(r).log ?? []).filter((n) => n.includes('snapshot cache'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(file);
    expect(notes[0]).toMatch(why);
    expect(notes[0]).toMatch(/read every resource afresh/);
    expect(describes()).toBe(2);
    // The run rewrote it: the next plan trusts it again and says nothing about it.
    sandbox.resetStats();
    const next = planOf(await cli('plan', dir, '--format', 'json'));
    expect([...next.notes, ...(next.log ?? [])].join(' ')).not.toMatch(/ignored/);
    expect(describes()).toBe(0);
  });
});

describe('the --sandbox state', () => {
  const cases: [string, string, RegExp][] = [
    ['damaged JSON', '{"format":"connectform-sandbox-state/1","world":{', /damaged: not JSON/],
    [
      'a wrong shape',
      JSON.stringify({ format: 'connectform-sandbox-state/1', world: { accountId: '1', connect: { instances: [] } } }),
      /damaged: at \/world: must have required property 'chatbot'/,
    ],
    [
      'a wrong record',
      JSON.stringify({
        format: 'connectform-sandbox-state/1',
        world: {
          accountId: '1',
          connect: { instances: { i: { Id: 'i', Tags: {}, contactFlows: {}, rules: { r: 'x' }, taskTemplates: {} } } },
          chatbot: { chatConfigurations: {}, customActions: {} },
          lex: { bots: {} },
          idempotency: {},
        },
      }),
      /damaged: at \/world\/connect\/instances\/i\/rules\/r: must be object/,
    ],
    ['a foreign file', JSON.stringify({ format: 2, creates: {}, replaces: {} }), /not a sandbox state file/],
    [
      'a foreign version',
      JSON.stringify({ format: 'connectform-sandbox-state/9', world: {} }),
      /another version of the sandbox/,
    ],
  ];
  it.each(cases)('with %s is refused in one line naming the file', async (_, text, why) => {
    const d = tempDir('sandbox-state-');
    mkdirSync(join(d, '.connectform'));
    const file = join(d, '.connectform', 'sandbox-state.json');
    writeFileSync(file, text);
    writeConfig(d, { t: {} }, {}, { rules: [postCallRule('r')] });
    const r = await runCliInProcess(['plan', d, '--sandbox'], { cwd: d });
    expectOneLineRefusal(r, file, why);
    expect(r.stderr).toMatch(/move it aside \(or delete it\)/);
  });
});
