/**
 * Issue 22 item 6, one comment for every target: `show PLAN… -f markdown` renders the saved plans
 * of several targets as one comment (one title, one summary table with a row per target, then
 * each target's changes), and the cache note goes to the log (stderr), not the comment. The
 * reproduction: per-target comments each repeated an h2 and a one-row table, and the cache note
 * reached reviewers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';

const OTHER_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';

let sandbox: SandboxHandle;
let dir: string;
/** `show` reads no live state: it takes no --quota-scale. */
const cli = (...args: string[]) =>
  runCliInProcess(args[0] === 'show' ? args : [...args, '--quota-scale', '50'], { cwd: dir });

const template = (name: string, description: string) => ({
  Name: name,
  Description: description,
  ContactFlowId: { name: 'Escalation' },
  Fields: [{ Id: { Name: 'Name' }, Type: 'NAME' }],
  Constraints: { RequiredFields: [{ Id: { Name: 'Name' } }] },
});

beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: OTHER_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
  dir = tempDir('show-several-');
  const targets = {
    dev: { endpoint: sandbox.endpoint },
    prod: { endpoint: sandbox.endpoint, instanceId: OTHER_INSTANCE },
  };
  writeConfig(dir, targets, {}, { taskTemplates: [template('Callback', 'first'), template('Claim intake', 'first')] });
  expect((await cli('apply', dir, '-t', 'all', '--auto-approve')).code).toBe(0);
  writeConfig(dir, targets, {}, { taskTemplates: [template('Callback', 'second'), template('Claim intake', 'first')] });
});
afterAll(async () => sandbox?.stop());

describe('show several saved plans', () => {
  it('renders them as one comment: one title, one table with a row per target, each target after; the cache note on stderr', async () => {
    await cli('plan', dir, '-t', 'all'); // warms the snapshot cache: the saved plans carry a cache note
    for (const t of ['dev', 'prod']) {
      const saved = await cli('plan', dir, '-t', t, '--out', join(dir, `${t}.plan.json`));
      expect(saved.code, saved.stderr).toBe(0);
    }
    const r = await cli('show', join(dir, 'dev.plan.json'), join(dir, 'prod.plan.json'), '-f', 'markdown');
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md.match(/^## /gm)).toEqual(['## ']);
    expect(md).toMatch(/^## connectform plan\n/);
    expect(md.match(/^\| target \|/gm)).toHaveLength(1);
    expect(md).toMatch(/^\| dev \| us-east-2 \| .* \| 0 \| 1 \| 0 \| 0 \| 0 \| 1 \| 0 \|$/m);
    expect(md).toMatch(/^\| prod \| us-east-2 \| .* \| 0 \| 1 \| 0 \| 0 \| 0 \| 1 \| 0 \|$/m);
    expect(md.indexOf('### dev')).toBeGreaterThan(md.indexOf('| prod |'));
    expect(md.indexOf('### prod')).toBeGreaterThan(md.indexOf('### dev'));
    // the same change on both targets is shown once, under both names
    expect(md).toMatch(/^### dev, prod$/m);
    expect(md.match(/<code>Callback<\/code>/g)).toHaveLength(1);
    expect(md).not.toContain('snapshot cache');
    expect(r.stderr).toMatch(/^Note \(dev\): \d+ resource\(s\) from the snapshot cache/m);
    expect(r.stderr).toMatch(/^Note \(prod\): \d+ resource\(s\) from the snapshot cache/m);

    // text keeps the note for the person at the terminal; JSON carries every plan and its log
    const text = await cli('show', join(dir, 'dev.plan.json'), join(dir, 'prod.plan.json'));
    expect(text.stdout).toMatch(/Target dev [\s\S]*Note: \d+ resource\(s\) from the snapshot cache[\s\S]*Target prod/);
    const json = JSON.parse(
      (await cli('show', join(dir, 'dev.plan.json'), join(dir, 'prod.plan.json'), '-f', 'json')).stdout,
    );
    expect(json.plans.map((p: { target: string }) => p.target)).toEqual(['dev', 'prod']);
    expect(json.plans[0].log[0]).toMatch(/snapshot cache/);
  });

  it('refuses two plans of one target, and a file that is not a saved plan', async () => {
    const file = join(dir, 'dev.plan.json');
    const twice = await cli('show', file, file, '-f', 'markdown');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/two of the plan files are for target "dev"/);
    expect(twice.stdout).toBe('');
    const other = await cli('show', file, join(dir, 'connectform.yaml'));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/connectform\.yaml is not a plan saved by connectform plan --out/);
  });
});
