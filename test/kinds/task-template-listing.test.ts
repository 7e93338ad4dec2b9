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
let capped: SandboxHandle;
const names = Array.from({ length: 250 }, (_, i) => `tpl-${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  // How much an answer without MaxResults holds is not documented: one sandbox answers every
  // match, the other a page of 100, and connectform must plan completely against both.
  sandbox = await startSandbox({ quotas: false });
  capped = await startSandbox({ quotas: false, taskTemplatesDefaultPage: 100 });
  for (const world of [sandbox, capped]) {
    const { connect } = clients(world.endpoint, 'us-east-2');
    // 200 active (two pages' worth), 50 inactive; the last 10 active ones are not declared.
    for (const [i, name] of names.entries()) {
      await connect.send(
        new CreateTaskTemplateCommand({
          ...templateInput(name),
          Constraints: CONSTRAINTS,
          Status: i >= 200 ? 'INACTIVE' : 'ACTIVE',
        }),
      );
    }
  }
});
afterAll(async () => Promise.all([sandbox?.stop(), capped?.stop()]));

const body = (name: string, i: number) => {
  const { InstanceId: _, ...b } = templateInput(name, {
    Constraints: CONSTRAINTS,
    Status: i >= 200 ? 'INACTIVE' : 'ACTIVE',
  });
  return { ...b, ContactFlowId: { name: 'Escalation' } };
};

describe('a large instance', () => {
  it.each([
    // Answered whole: ACTIVE in one answer (more than a page proves nothing was cut); INACTIVE
    // (50) asked again with MaxResults, not full: 3 lists, no look-up.
    ['answers every match without MaxResults', () => sandbox, 3],
    // Capped at 100: both statuses asked twice, ACTIVE's page is full, so each declared active
    // template past it (90) is looked up by name.
    ['caps an answer without MaxResults at 100', () => capped, 4 + 90],
  ])(
    'plans 250 templates completely when the API %s: each declared one is found, none is created again',
    async (_how, world, lists) => {
      const declared = names.slice(0, 190).concat(names.slice(200));
      const dir = tempDir('templates-');
      writeConfig(
        dir,
        { dev: { endpoint: world().endpoint } },
        {},
        { taskTemplates: declared.map((n) => body(n, names.indexOf(n))) },
      );
      world().resetStats();
      const r = await run(['plan', dir, '-f', 'json', '--refresh', '--quota-scale', '1000'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const plan = planOf(r);
      expect(plan.changes.filter((c) => c.action === 'create')).toEqual([]);
      expect(plan.summary.unchanged + plan.changes.length).toBe(declared.length);
      expect(world().stats().operations['connect:ListTaskTemplates'].calls).toBe(lists);
    },
  );

  it('prunes what it listed, and never a template past the cut it could not see', async () => {
    const { connect } = clients(capped.endpoint, 'us-east-2');
    const arnOf = async (name: string) =>
      (await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE, Name: name }))).TaskTemplates![0].Arn!;
    // Both carry connectform's marker; tpl-050 is in the first 100 active, tpl-150 past them.
    for (const name of ['tpl-050', 'tpl-150'])
      await connect.send(
        new TagResourceCommand({ resourceArn: await arnOf(name), tags: { [MARKER_TAG_KEY]: MARKER_TAG_VALUE } }),
      );
    const dir = tempDir('templates-prune-');
    writeConfig(
      dir,
      { dev: { endpoint: capped.endpoint } },
      { prune: ['taskTemplate'] },
      { taskTemplates: [body(names[0], 0)] },
    );
    const r = await run(['plan', dir, '-f', 'json', '--refresh', '--quota-scale', '1000'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(
      planOf(r)
        .changes.filter((c) => c.action === 'delete')
        .map((c) => c.name),
    ).toEqual(['tpl-050']);
  });
});
