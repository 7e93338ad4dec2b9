/**
 * `apply -t all` across targets (issue 13, point 2), what multi-target.test.ts leaves open: each
 * target's report is written when that target finishes, before the next target is even planned,
 * and the closing per-target summary names the cancelled and the refused targets too.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { phraseFunction, postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const PROD_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';

// A world per test: pruning in one must not see the other's rules.
let sandbox: SandboxHandle;
beforeEach(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: PROD_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
});
afterEach(async () => sandbox?.stop());

/** stdout and stderr in the order they were written, one entry per write. */
async function runInterleaved(
  args: string[],
  cwd: string,
  stdin = '',
): Promise<{ code: number; writes: { stream: 'out' | 'err'; text: string }[] }> {
  const writes: { stream: 'out' | 'err'; text: string }[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(args, {
      stdout: { write: (text: string) => writes.push({ stream: 'out', text }) > 0, isTTY: true },
      stderr: { write: (text: string) => writes.push({ stream: 'err', text }) > 0, isTTY: false },
      stdin: Object.assign(Readable.from([stdin]), { isTTY: true }),
      env: { NO_COLOR: '1', CI: '1' },
    });
    return { code, writes };
  } finally {
    process.chdir(before);
  }
}

/** Two targets on two instances; `vars` per target shape their rules. */
function config(dir: string, vars: { staging: Record<string, string>; prod: Record<string, string> }) {
  return writeConfig(
    dir,
    {
      staging: { endpoint: sandbox.endpoint, vars: vars.staging },
      prod: { endpoint: sandbox.endpoint, instanceId: PROD_INSTANCE, vars: vars.prod },
    },
    // Any delete is over the threshold: a plan that deletes is refused.
    { prune: ['rule'], destroyThreshold: { percent: 0, minResources: 1 } },
    { rules: [postCallRule('sum-${var.env}-${var.name}', phraseFunction('refund ${var.n}'))] },
  );
}

describe('apply -t all, target by target', () => {
  it("prints each target's report as it finishes, before the next target's plan", async () => {
    const dir = config(tempDir('apply-order-'), {
      staging: { env: 'staging', name: 'a', n: '1' },
      prod: { env: 'prod', name: 'a', n: '1' },
    });
    const r = await runInterleaved(['apply', dir, '-t', 'all', '--auto-approve', '--quota-scale', '50'], dir);
    expect(r.code).toBe(0);
    const at = (re: RegExp) => r.writes.findIndex((w) => re.test(w.text));
    const stagingReport = at(/Apply on staging:/);
    const prodPlan = at(/sum-prod-a/);
    expect(stagingReport).toBeGreaterThanOrEqual(0);
    expect(prodPlan).toBeGreaterThan(stagingReport); // not held back until every target is done
    expect(at(/Apply on prod:/)).toBeGreaterThan(prodPlan);
    expect(r.writes.map((w) => w.text).join('')).toMatch(
      /Summary:\n {2}staging: applied \(1 applied, 0 failed, 0 restored\)\n {2}prod: applied \(1 applied, 0 failed, 0 restored\)\n/,
    );
  });

  it('the summary names a target answered "no" as cancelled and a refused one as refused; exit 1', async () => {
    const dir = config(tempDir('apply-summary-'), {
      staging: { env: 'staging', name: 'b', n: '1' },
      prod: { env: 'prod', name: 'b', n: '1' },
    });
    const first = await run(['apply', dir, '-t', 'all', '--auto-approve', '--quota-scale', '50'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    // staging: an update, answered "no"; prod: a rename, i.e. a delete, over the threshold.
    config(dir, { staging: { env: 'staging', name: 'b', n: '2' }, prod: { env: 'prod', name: 'c', n: '1' } });
    sandbox.resetStats();
    const r = await runInterleaved(['apply', dir, '-t', 'all', '--quota-scale', '50'], dir, 'no\n');
    const err = r.writes
      .filter((w) => w.stream === 'err')
      .map((w) => w.text)
      .join('');
    expect(r.code).toBe(1);
    expect(err).toMatch(/target prod: apply refused[\s\S]*1 of 1 managed rules would be deleted or replaced/);
    expect(err).toMatch(/Summary:\n {2}staging: cancelled\n {2}prod: refused\n/);
    expect(sandbox.stats().operations['connect:UpdateRule']).toBeUndefined();
    expect(sandbox.stats().operations['connect:DeleteRule']).toBeUndefined();
  });
});
