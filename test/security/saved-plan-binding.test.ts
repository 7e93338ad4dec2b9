/**
 * Attack (issue 23): between `plan --out` and `apply FILE`, change where apply acts without
 * changing the printable plan. (1) Edit the file's `configPaths` from f.yaml to f2.yaml, a config
 * that plans the same but points at another endpoint. (2) Switch the target's `endpoint` to
 * another account's sandbox and delete `accountId`. (3) Change `chatbotRegion`. A saved plan
 * binds region, instance, account (configured or learned through STS), endpoint, chatbotRegion,
 * the settings and a digest of every config file read: each is refused, listing what differs,
 * and nothing is written anywhere. The identity (profile, roleArn) is not bound as a value: the
 * workflow plans with a read-only role and applies with another; in the config they are still
 * covered by the file's digest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, planOf, runCliInProcess as run, tempDir } from '../helpers/cli.js';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

let mine: SandboxHandle;
let theirs: SandboxHandle;
beforeAll(async () => {
  mine = await startSandbox({ quotas: false, accountId: '111111111111' });
  theirs = await startSandbox({ quotas: false, accountId: '222222222222' });
});
afterAll(async () => {
  await mine?.stop();
  await theirs?.stop();
});

const RULES = `rules:
  - Name: bound-rule
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable')}'
    PublishStatus: PUBLISHED
    Actions: [ { ActionType: GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction: { Name: e } } ]
`;

const config = (endpoint: string, extra = '') =>
  `targets:\n  dev:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: ${endpoint}\n${extra}${RULES}`;

/** A repository with f.yaml (my sandbox, my account) planned into plan.json. */
async function planned(): Promise<string> {
  const dir = tempDir('binding-');
  writeFileSync(join(dir, 'f.yaml'), config(mine.endpoint, '    accountId: "111111111111"\n'));
  writeFileSync(join(dir, 'f2.yaml'), config(theirs.endpoint));
  const r = await run(['plan', 'f.yaml', '--out', 'plan.json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** Nothing was created in the other account's sandbox. */
async function theirsUntouched(dir: string) {
  const p = planOf(await run(['plan', 'f2.yaml', '-f', 'json'], { cwd: dir }));
  expect(p.changes.map((c) => c.action)).toEqual(['create']);
}

describe('a saved plan binds its whole target and its config files', () => {
  it('configPaths swapped to f2.yaml (same plan, another endpoint): refused, listing each difference', async () => {
    const dir = await planned();
    const file = join(dir, 'plan.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.configPaths = ['f2.yaml'];
    writeFileSync(file, JSON.stringify(doc));
    const r = await run(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not what a plan made now would do; nothing was applied');
    expect(r.stderr).toContain(
      `endpoint: the plan was made for "${mine.endpoint}", apply would act on "${theirs.endpoint}"`,
    );
    expect(r.stderr).toContain('accountId: the plan was made for "111111111111", apply would act on "222222222222"');
    expect(r.stderr).toContain('config file f.yaml: read by the plan, not by apply');
    expect(r.stderr).toContain('config file f2.yaml: read by apply, not by the plan');
    await theirsUntouched(dir);
  });

  it('endpoint switched to another account and accountId deleted: refused', async () => {
    const dir = await planned();
    writeFileSync(join(dir, 'f.yaml'), config(theirs.endpoint));
    const r = await run(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`endpoint: the plan was made for "${mine.endpoint}"`);
    expect(r.stderr).toContain('accountId: the plan was made for "111111111111", apply would act on "222222222222"');
    expect(r.stderr).toContain('config file f.yaml: changed since the plan was made');
    await theirsUntouched(dir);
  });

  it('chatbotRegion changed: refused, naming it', async () => {
    const dir = await planned();
    writeFileSync(
      join(dir, 'f.yaml'),
      config(mine.endpoint, '    accountId: "111111111111"\n    chatbotRegion: us-west-2\n'),
    );
    const r = await run(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('chatbotRegion: the plan was made for "us-east-2", apply would act on "us-west-2"');
  });

  it('a recorded path outside the repository is refused; --config reads the same files from elsewhere', async () => {
    const dir = await planned();
    const file = join(dir, 'plan.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, configPaths: ['../elsewhere/f.yaml'] }));
    const outside = await run(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/config path "\.\.\/elsewhere\/f\.yaml" is outside the working directory/);
    writeFileSync(file, JSON.stringify(doc));
    const applied = await run(['apply', file, '--config', join(dir, 'f.yaml'), '--auto-approve'], {
      cwd: tempDir('ci-'),
    });
    expect(applied.code, applied.stderr).toBe(0);
  });

  it('unchanged: applies', async () => {
    const dir = await planned();
    const r = await run(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  });
});
