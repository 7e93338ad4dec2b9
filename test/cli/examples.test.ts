/**
 * The shipped example, end to end on the sandbox: it validates, one plan over all four kinds
 * shows the right action for each, it applies cleanly, and the second plan is empty. Then a
 * Lex drift is reported as a manual step (counted apart, never applied), and a contact flow
 * name that does not exist is a positioned error listing the nearest names. The same plan and
 * apply also converge in one apply against a sandbox with a 1,500 ms consistency delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLagClock } from '../../src/aws/lag.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';
import { ROOT, planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import { FastForwardClock } from '../sandbox/clock.js';

let sandbox: SandboxHandle;
let dir: string;
const cli = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: dir });

/**
 * A sandbox hosting the example's instances, and a copy of the example pointed at it. Lex V1
 * answers here (`lexV1: 'available'`, the opt-in for the history), so the example's Lex
 * associations are read and compared; with Lex retired (the sandbox's default) the quick start
 * is covered by test/cli/lex-v1.test.ts.
 */
async function exampleOn(options: SandboxOptions = {}): Promise<{ sandbox: SandboxHandle; dir: string }> {
  const sandbox = await startSandbox({
    quotas: false,
    lexV1: 'available',
    ensureInstances: ['2b7d9c41-5e3a-4f8b-a1c6-7d8e9f0a1b2c', '9e4f3a2b-1c0d-4e5f-8a9b-0c1d2e3f4a5b'],
    ...options,
  });
  const dir = tempDir('example-');
  cpSync(join(ROOT, 'examples', 'contact-center'), dir, { recursive: true });
  // Point every target at this sandbox.
  const main = join(dir, 'connectform.yaml');
  writeFileSync(
    main,
    readFileSync(main, 'utf8').replace(/(\n {4}region: us-east-2)/g, `$1\n    endpoint: ${sandbox.endpoint}`),
  );
  return { sandbox, dir };
}

beforeAll(async () => {
  ({ sandbox, dir } = await exampleOn());
});
afterAll(async () => sandbox?.stop());

describe('examples/contact-center', () => {
  it('validates for every target', async () => {
    const r = await runCli(['validate', join(ROOT, 'examples', 'contact-center')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Config is valid: 21 resource\(s\), 3 target\(s\)/);
  });

  it('plans all four kinds in one plan, applies, and the second plan is empty', async () => {
    const p = planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json'));
    const byKind = (kind: string) => p.changes.filter((c) => c.kind === kind).map((c) => c.action);
    expect(byKind('rule')).toEqual(Array(12).fill('create'));
    expect(byKind('taskTemplate')).toEqual(Array(3).fill('create'));
    expect(byKind('customAction')).toEqual(Array(2).fill('create'));
    expect(byKind('lexChannelAssociation')).toEqual([]); // declared as seeded: unchanged
    expect(p.summary).toMatchObject({ create: 17, unchanged: 4 });

    const apply = await cli('apply', dir, '-t', 'dev', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    const again = planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json'));
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(21);
  });

  it('reports a differing Lex association as a manual step, never applied', async () => {
    const lex = join(dir, 'lex.yaml');
    const original = readFileSync(lex, 'utf8');
    writeFileSync(
      lex,
      original.replace('description: Trips booked over Kik', 'description: Trips booked over Kik and SMS'),
    );
    try {
      const p = planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json'));
      expect(p.changes.map((c) => [c.kind, c.name, c.action, c.fields.map((f) => f.path)])).toEqual([
        ['lexChannelAssociation', 'BookTrip/prod/booktrip_kik', 'manual', ['description']],
      ]);
      expect(p.summary).toMatchObject({ manual: 1, create: 0, update: 0 });
      sandbox.resetStats();
      const apply = await cli('apply', dir, '-t', 'dev', '--auto-approve');
      expect(apply.code).toBe(0);
      expect(sandbox.stats().writeCalls).toBe(0);
      expect(apply.stdout).toMatch(/1 needing a manual step/);
    } finally {
      writeFileSync(lex, original);
    }
  });

  it('never prints a Lex secret, in any format', async () => {
    for (const format of ['text', 'json', 'markdown']) {
      const r = await cli('plan', dir, '-t', 'dev', '--format', format);
      expect(r.stdout + r.stderr).not.toMatch(/sandbox-secret|sandbox-token|sandbox-kik-key/);
    }
  });

  it('an unknown contact flow name is a positioned error with the nearest names', async () => {
    const rules = join(dir, 'rules.yaml');
    const original = readFileSync(rules, 'utf8');
    writeFileSync(rules, original.replace('ContactFlowId: { name: Escalation }', 'ContactFlowId: { name: Escalaton }'));
    try {
      const r = await cli('plan', dir, '-t', 'dev');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /rules\.yaml:\d+:\d+: error: rules\[\d+\]\.Actions\[\d+\]\.TaskAction\.ContactFlowId: unknown contact flow "Escalaton"; nearest: "Escalation"/,
      );
    } finally {
      writeFileSync(rules, original);
    }
  });
});

describe('examples/contact-center under a 1,500 ms consistency delay', () => {
  const DELAY_MS = 1500;
  const clock = new FastForwardClock();
  let lagged: { sandbox: SandboxHandle; dir: string };
  let restoreClock = () => {};

  beforeAll(async () => {
    // The sandbox's time and connectform's lag waits are one clock: the delay costs no wall time.
    restoreClock = useLagClock(clock);
    lagged = await exampleOn({ consistencyDelayMs: DELAY_MS, clock: clock.now });
  });
  afterAll(async () => {
    restoreClock();
    await lagged?.sandbox.stop();
  });

  it('converges in one apply: once the delay has passed, the second plan is empty', async () => {
    const run = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: lagged.dir });
    const apply = await run('apply', lagged.dir, '-t', 'dev', '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    // Task templates are tagged, and custom actions linked, right after their create: AWS's lag
    // had to be waited out (else this apply could not have succeeded).
    expect(clock.waits.length).toBeGreaterThan(0);
    clock.advance(DELAY_MS);
    const again = planOf(await run('plan', lagged.dir, '-t', 'dev', '--format', 'json'));
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(21);
  });
});
