/**
 * The apply workflow's promise: the approver reads the plan in the run summary, only targets with
 * changes reach the gate, and the apply job applies the reviewed plan file, refusing it when live
 * state moved while the approval waited. Its plan step, the `changed` job's listing and the apply
 * step run for real (bash, the compiled CLI, an in-process sandbox; see workflow-harness.ts); the
 * artifact hand-over is a copy of plan.json to where actions/download-artifact puts it.
 */
import { copyFileSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { runCli } from '../helpers/spawn-cli.js';
import { loadWorkflow, placeArtifact, runStep, sandboxForSuite } from './workflow-harness.js';

const WORKFLOW = loadWorkflow('connectform-apply.yml');
const PLAN_SCRIPT = WORKFLOW.jobs.plan.steps.find((s) => s.id === 'plan')!.run!;
const CHANGED_SCRIPT = WORKFLOW.jobs.changed.steps.find((s) => s.id === 'list')!.run!;
const APPLY_SCRIPT = WORKFLOW.jobs.apply.steps.find((s) => /connectform apply/.test(s.run ?? ''))!.run!;

const action = (command: string) => ({ ActionName: 'queue-backlog', Definition: { CommandText: command } });

describe('the apply workflow: plan, gate, apply the reviewed plan', () => {
  const sandbox = sandboxForSuite();

  it('shows the plan to the approver, offers only targets with changes, and applies the saved plan', async () => {
    const checkout = tempDir('connectform-main-');
    writeConfig(
      join(checkout, 'connect'),
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { customActions: [action('lambda invoke --function-name report')] },
    );

    const plan = await runStep(PLAN_SCRIPT, checkout, { CONFIG: 'connect/', TARGET: 'dev' });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.outputs).toBe('exit=2\n');
    expect(plan.summary).toMatch(/^### `dev`: the plan the approver of environment `connectform-dev` approves\n/);
    expect(plan.summary).toContain('queue-backlog');
    expect(existsSync(join(checkout, 'plan.json'))).toBe(true);

    // The `changed` job sees dev's artifact (uploaded on exit 2) and no other.
    const gate = tempDir('connectform-changed-');
    placeArtifact(gate, 'connectform-plan-dev', 'plan.md', '', 'plans');
    const changed = await runStep(CHANGED_SCRIPT, gate, {});
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.outputs).toBe('targets=["dev"]\n');
    const none = await runStep(CHANGED_SCRIPT, tempDir('connectform-changed-'), {});
    expect(none.outputs).toBe('targets=[]\n');

    // The apply job: a fresh checkout of the same commit, the plan downloaded into it.
    const applyJob = tempDir('connectform-apply-');
    cpSync(join(checkout, 'connect'), join(applyJob, 'connect'), { recursive: true });
    copyFileSync(join(checkout, 'plan.json'), join(applyJob, 'plan.json'));
    const apply = await runStep(APPLY_SCRIPT, applyJob, {});
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.summary).toMatch(/\| dev \| 1 \| 0 \|/);

    const after = await runStep(PLAN_SCRIPT, checkout, { CONFIG: 'connect/', TARGET: 'dev' });
    expect(after.outputs).toBe('exit=0\n');
    expect(after.summary).toBe('### `dev`: no changes, nothing to approve\n');
  });

  it('refuses the reviewed plan when live state changed while the approval waited', async () => {
    const checkout = tempDir('connectform-main-');
    const config = join(checkout, 'connect');
    writeConfig(
      config,
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { customActions: [action('lambda invoke --function-name v2')] },
    );
    const plan = await runStep(PLAN_SCRIPT, checkout, { CONFIG: 'connect/', TARGET: 'dev' });
    expect(plan.outputs).toBe('exit=2\n');

    // Meanwhile someone applies another body from elsewhere.
    const elsewhere = tempDir('connectform-elsewhere-');
    writeConfig(
      join(elsewhere, 'connect'),
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { customActions: [action('lambda invoke --function-name v3')] },
    );
    expect((await runCli(['apply', join(elsewhere, 'connect'), '--auto-approve'])).code).toBe(0);

    const apply = await runStep(APPLY_SCRIPT, checkout, {});
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/plan\.json is not what a plan made now would do; nothing was applied/);
    // Nothing was written: live still has the other body, which a plan now would change.
    const live = await runCli(['plan', config, '--format', 'json']);
    expect(live.stdout).toContain('function-name v3');
  });
});
