/**
 * ListTaskTemplates does not page: the model documents its NextToken as "always returned as a
 * null", MaxResults is at most 100, and the sandbox answers so (docs/FIDELITY.md). connectform
 * still sees every declared template of a large instance (250 here): it lists per status, and
 * when a list comes back full it looks up each declared template it did not see by name.
 * Undeclared templates past the cut are not seen, so they are never pruned by mistake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTaskTemplateCommand, ListTaskTemplatesCommand, TagResourceCommand } from '@aws-sdk/client-connect';
import { MARKER_TAG_KEY, MARKER_TAG_VALUE } from '../../src/kinds/common.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { planOf, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';
import { INSTANCE, clients, templateInput } from '../sandbox/helpers.js';

const CONSTRAINTS = { RequiredFields: [{ Id: { Name: 'Name' } }] };

let sandbox: SandboxHandle;
const names = Array.from({ length: 250 }, (_, i) => `tpl-${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  const { connect } = clients(sandbox.endpoint, 'us-east-2');
  // 200 active (two lists' worth), 50 inactive; the last 10 active ones are not declared.
  for (const [i, name] of names.entries()) {
    await connect.send(new CreateTaskTemplateCommand({ ...templateInput(name), Constraints: CONSTRAINTS, Status: i >= 200 ? 'INACTIVE' : 'ACTIVE' }));
  }
});
afterAll(async () => sandbox?.stop());

const body = (name: string, i: number) => {
  const { InstanceId: _, ...b } = templateInput(name, { Constraints: CONSTRAINTS, Status: i >= 200 ? 'INACTIVE' : 'ACTIVE' });
  return { ...b, ContactFlowId: { name: 'Escalation' } };
};

describe('a large instance', () => {
  it('plans 250 templates completely: each declared one is found, none is created again', async () => {
    const declared = names.slice(0, 190).concat(names.slice(200));
    const dir = tempDir('templates-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, {}, { taskTemplates: declared.map((n) => body(n, names.indexOf(n))) });
    sandbox.resetStats();
    const r = await run(['plan', dir, '-f', 'json', '--refresh', '--quota-scale', '1000'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = planOf(r);
    expect(plan.changes.filter((c) => c.action === 'create')).toEqual([]);
    expect(plan.summary.unchanged + plan.changes.length).toBe(declared.length);
    // Two status lists, then one look-up per declared template the cut active list missed.
    const lists = sandbox.stats().operations['connect:ListTaskTemplates'].calls;
    expect(lists).toBe(2 + 90);
  });

  it('prunes what it listed, and never a template past the cut it could not see', async () => {
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const all = (await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, Name: undefined }))).TaskTemplates ?? [];
    const arnOf = (name: string) => all.find((t) => t.Name === name)!.Arn!;
    // Both carry connectform's marker; tpl-050 is in the first 100 active, tpl-150 past them.
    for (const name of ['tpl-050', 'tpl-150']) await connect.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: { [MARKER_TAG_KEY]: MARKER_TAG_VALUE } }));
    const dir = tempDir('templates-prune-');
    writeConfig(dir, { dev: { endpoint: sandbox.endpoint } }, { prune: ['taskTemplate'] }, { taskTemplates: [body(names[0], 0)] });
    const r = await run(['plan', dir, '-f', 'json', '--refresh', '--quota-scale', '1000'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(planOf(r).changes.filter((c) => c.action === 'delete').map((c) => c.name)).toEqual(['tpl-050']);
  });
});
