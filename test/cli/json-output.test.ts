/**
 * Machine output (issue #11 point 5): every `--format json` run prints ONE document, the same
 * shape for one target or many, `{ version, plans, errors }` (apply adds `targets` and
 * `reports`), also when a target fails, is refused or is cancelled; the published JSON Schemas
 * (schemas/plan-output.schema.json, schemas/saved-plan.schema.json) accept what the CLI really
 * prints and saves, and reject a broken document; `plan --detailed-exitcode` tells "no changes"
 * (0), "changes" (2) and "changes apply would refuse" (3) apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCUMENT_PLAN_VERSION,
  DOCUMENT_SAVED_PLAN_FORMAT,
  PLAN_OUTPUT_SCHEMA_FILE,
  SAVED_PLAN_SCHEMA_FILE,
} from '../../src/config/plan-schemas.js';
import { schemasDir } from '../../src/config/generate-schemas.js';
import { PLAN_VERSION } from '../../src/engine/plan.js';
import { SAVED_PLAN_FORMAT } from '../../src/engine/saved-plan.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { postCallRule, runCliInProcess as run, tempDir, writeConfig, type CliResult } from '../helpers/cli.js';
import { exampleFunction } from '../helpers/rule-function.js';

/** The committed files, as a reader of the output would load them. */
function compile(file: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(join(schemasDir(), file), 'utf8')));
}
const validateOutput = compile(PLAN_OUTPUT_SCHEMA_FILE);
const validateSaved = compile(SAVED_PLAN_SCHEMA_FILE);

/** The whole of stdout as one JSON document (two documents back to back would throw), schema-checked. */
function documentOf(r: CliResult) {
  let doc: any;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  expect(
    validateOutput(doc) ? [] : validateOutput.errors,
    'the document validates against schemas/plan-output.schema.json',
  ).toEqual([]);
  return doc;
}

/** A rule whose trigger can move between two sources without an integration (a replace). */
const callRule = (name: string, source = 'OnPostCallAnalysisAvailable', extra: object = {}) => ({
  Name: name,
  TriggerEventSource: { EventSourceName: source },
  Function: exampleFunction(source),
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: `${name}-event` } }],
  ...extra,
});

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

const target = () => ({ endpoint: sandbox.endpoint });
const broken = { endpoint: 'http://127.0.0.1:1' };

describe('one JSON document, the same shape for one target or many', () => {
  it('plan: { version, plans, errors } for one target and for two; field rows carry op and impact', async () => {
    const dir = tempDir('json-plan-');
    writeConfig(dir, { dev: target() }, {}, { rules: [postCallRule('json-a', 1)] });
    const created = documentOf(await run(['plan', dir, '-f', 'json'], { cwd: dir }));
    expect(created).toMatchObject({ version: 3, errors: [] });
    expect(created.plans).toHaveLength(1);
    expect(created.plans[0].changes[0]).toMatchObject({ kind: 'rule', name: 'json-a', action: 'create' });
    expect(created.plans[0].changes[0].fields.every((f: { op: string }) => f.op === 'add')).toBe(true);
    expect((await run(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);

    writeConfig(dir, { dev: target(), prod: target() }, {}, { rules: [postCallRule('json-a', 2)] });
    const one = await run(['plan', dir, '-t', 'dev', '-f', 'json'], { cwd: dir });
    const both = await run(['plan', dir, '-t', 'all', '-f', 'json'], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    const [oneDoc, bothDoc] = [documentOf(one), documentOf(both)];
    expect(Object.keys(oneDoc).sort()).toEqual(Object.keys(bothDoc).sort());
    expect(bothDoc.plans.map((p: { target: string }) => p.target)).toEqual(['dev', 'prod']);
    expect(oneDoc.plans[0].changes[0].fields).toEqual([
      {
        path: 'Function.RuleFunction.Operands[ComparisonValue="$.ContactLens.PostCall.ExactMatch.Transcript",Operator="CONTAINS_ANY",FilterClause="ParticipantRole=CUSTOMER"].Operands[="refund 1"]',
        op: 'change',
        impact: 'update',
        before: 'refund 1',
        after: 'refund 2',
      },
    ]);
  });

  it('plan: a target that failed to plan is in `errors`, alone or beside others (exit 1, the error on stderr too)', async () => {
    const dir = tempDir('json-fail-');
    writeConfig(dir, { dev: target(), down: broken }, {}, { rules: [postCallRule('json-f')] });
    const alone = await run(['plan', dir, '-t', 'down', '-f', 'json'], { cwd: dir });
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^Error: .*ECONNREFUSED/m);
    expect(documentOf(alone)).toEqual({
      version: 3,
      direction: 'apply',
      plans: [],
      errors: [{ target: 'down', message: expect.stringMatching(/ECONNREFUSED/) }],
    });

    const mixed = await run(['drift', dir, '-t', 'all', '-f', 'json'], { cwd: dir });
    expect(mixed.code).toBe(1);
    const doc = documentOf(mixed);
    expect(doc.plans.map((p: { target: string }) => p.target)).toEqual(['dev']);
    expect(doc.errors).toEqual([{ target: 'down', message: expect.stringMatching(/ECONNREFUSED/) }]);
  });

  it('a config error prints no document: nothing was planned (exit 1, positioned error on stderr)', async () => {
    const dir = tempDir('json-config-');
    writeConfig(dir, { dev: target() }, {}, { rules: [{ Name: 'no body' }] });
    const r = await run(['plan', dir, '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/resources\.yaml:\d+:\d+: error/);
  });

  it('apply: one document with plans, reports and every target, for one target and for two', async () => {
    const dir = tempDir('json-apply-');
    writeConfig(dir, { dev: target(), down: broken }, {}, { rules: [postCallRule('json-ap')] });
    const one = await run(['apply', dir, '-t', 'dev', '--auto-approve', '-f', 'json'], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    const doc = documentOf(one);
    expect(doc).toMatchObject({ version: 3, errors: [], targets: [{ target: 'dev', status: 'applied' }] });
    expect(doc.plans.map((p: { target: string }) => p.target)).toEqual(['dev']);
    expect(doc.reports).toEqual([
      {
        target: 'dev',
        results: [{ kind: 'rule', name: 'json-ap', action: 'create', status: 'ok' }],
        summary: { ok: 1, failed: 0, restored: 0, skipped: 0, interrupted: 0 },
      },
    ]);

    const alone = await run(['apply', dir, '-t', 'down', '--auto-approve', '-f', 'json'], { cwd: dir });
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^Error: .*ECONNREFUSED/m);
    expect(documentOf(alone)).toEqual({
      version: 3,
      direction: 'apply',
      plans: [],
      errors: [{ target: 'down', message: expect.stringMatching(/ECONNREFUSED/) }],
      targets: [{ target: 'down', status: 'failed' }],
      reports: [],
    });

    const none = documentOf(await run(['apply', dir, '-t', 'dev', '--auto-approve', '-f', 'json'], { cwd: dir }));
    expect(none).toMatchObject({ targets: [{ target: 'dev', status: 'no changes' }], reports: [], errors: [] });
  });

  it('apply: refused and cancelled targets are in the document too (exit 1)', async () => {
    const dir = tempDir('json-refused-');
    writeConfig(dir, { dev: target() }, {}, { rules: [callRule('json-guarded')] });
    expect((await run(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeConfig(
      dir,
      { dev: target() },
      {},
      { rules: [callRule('json-guarded', 'OnPostChatAnalysisAvailable', { lifecycle: { preventDestroy: true } })] },
    );
    const refused = await run(['apply', dir, '--auto-approve', '-f', 'json'], { cwd: dir });
    expect(refused.code).toBe(1);
    const doc = documentOf(refused);
    expect(doc.targets).toEqual([{ target: 'dev', status: 'refused' }]);
    expect(doc.errors).toEqual([{ target: 'dev', message: expect.stringMatching(/apply refused .*preventDestroy/s) }]);
    expect(doc.plans[0].blocked).toEqual([expect.objectContaining({ rule: 'preventDestroy', name: 'json-guarded' })]);
    expect(doc.plans[0].changes[0]).toMatchObject({ action: 'replace' });

    writeConfig(
      dir,
      { dev: target() },
      {},
      {
        rules: [
          callRule('json-guarded', 'OnPostCallAnalysisAvailable', {
            Function: exampleFunction('OnPostCallAnalysisAvailable', 9),
          }),
        ],
      },
    );
    const cancelled = await run(['apply', dir, '-f', 'json'], { cwd: dir, tty: true, stdin: 'no\n' });
    expect(cancelled.code).toBe(1);
    expect(documentOf(cancelled)).toMatchObject({
      targets: [{ target: 'dev', status: 'cancelled' }],
      reports: [],
      errors: [],
    });
  });

  it('the saved plan is one plan object (saved-plan schema); show -f json prints it in the document', async () => {
    const dir = tempDir('json-saved-');
    writeConfig(dir, { dev: target() }, {}, { rules: [postCallRule('json-saved')] });
    const file = join(dir, 'plan.json');
    expect((await run(['plan', dir, '--out', file], { cwd: dir })).code).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(validateSaved(saved) ? [] : validateSaved.errors).toEqual([]);
    expect(saved).toMatchObject({ format: 'connectform-saved-plan', version: 3, target: 'dev' });
    const shown = documentOf(await run(['show', file, '-f', 'json'], { cwd: dir }));
    const { format: _f, configPaths: _c, binding: _b, ...plan } = saved;
    expect(shown).toEqual({ version: 3, direction: 'apply', plans: [plan], errors: [] });
  });
});

describe('drift and show documents (issue 22)', () => {
  const template = (Description: string, Tags: Record<string, string>) => ({
    Name: 'json-drift',
    Description,
    ContactFlowId: { name: 'Escalation' },
    Fields: [{ Id: { Name: 'Name' }, Type: 'NAME' }],
    Constraints: { RequiredFields: [{ Id: { Name: 'Name' } }] },
    Tags,
  });

  it('drift keeps apply direction and says so; a tag-only change is unattributed; show of several saved plans carries each log', async () => {
    const dir = tempDir('json-drift-');
    writeConfig(dir, { dev: target(), prod: target() }, {}, { taskTemplates: [template('first', { team: 'a' })] });
    expect((await run(['apply', dir, '-t', 'dev', '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeConfig(dir, { dev: target(), prod: target() }, {}, { taskTemplates: [template('first', { team: 'b' })] });
    const drift = await run(['drift', dir, '-t', 'dev', '-f', 'json'], { cwd: dir });
    expect(drift.code, drift.stderr).toBe(2);
    const doc = documentOf(drift);
    expect(doc.direction).toBe('apply');
    expect(doc.plans[0].changes[0].fields).toEqual([
      { path: 'Tags.team', op: 'change', impact: 'update', before: 'a', after: 'b' },
    ]);
    expect(doc.plans[0].changes[0].attribution.unattributed).toMatch(/only tags changed/);

    await run(['plan', dir, '-t', 'all'], { cwd: dir }); // warms the cache: the saved plans carry a log
    for (const t of ['dev', 'prod'])
      expect((await run(['plan', dir, '-t', t, '--out', join(dir, `${t}.json`)], { cwd: dir })).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'dev.json'), 'utf8'));
    expect(validateSaved(saved) ? [] : validateSaved.errors).toEqual([]);
    expect(saved.log).toEqual([expect.stringMatching(/snapshot cache/)]);
    const shown = documentOf(await run(['show', join(dir, 'dev.json'), join(dir, 'prod.json'), '-f', 'json']));
    expect(shown.plans.map((p: { target: string }) => p.target)).toEqual(['dev', 'prod']);
  });
});

describe('the published schemas', () => {
  it('restate the engine constants they cannot import', () => {
    expect(DOCUMENT_PLAN_VERSION).toBe(PLAN_VERSION);
    expect(DOCUMENT_SAVED_PLAN_FORMAT).toBe(SAVED_PLAN_FORMAT);
  });

  it('accept moves and attribution, and reject a broken document', async () => {
    const dir = tempDir('json-schema-');
    writeConfig(dir, { dev: target() }, {}, { rules: [postCallRule('json-s')] });
    const real = documentOf(await run(['plan', dir, '-f', 'json'], { cwd: dir }));
    const change = real.plans[0].changes[0];
    const variant = (edit: (d: typeof real) => void) => {
      const d = structuredClone(real);
      edit(d);
      return d;
    };
    const ok = (d: unknown) => (validateOutput(d) ? [] : validateOutput.errors);
    // Shapes the plan format 2 contract allows that this plan does not happen to hold.
    const moved = variant((d) => {
      Object.assign(d.plans[0].changes[0], {
        action: 'update',
        id: 'r-1',
        liveVersion: 'v1',
        attribution: { at: '2026-11-01T00:00:00.000Z', by: 'arn:aws:iam::123456789012:user/ana' },
      });
      d.plans[0].changes[0].fields = [
        { path: 'Fields[Id.Name="Policy number"]', op: 'move', impact: 'update', from: 3, to: 1 },
        {
          path: 'TriggerEventSource.EventSourceName',
          op: 'change',
          impact: 'replace',
          before: 'OnPostCallAnalysisAvailable',
          after: 'OnPostChatAnalysisAvailable',
        },
      ];
    });
    expect(ok(moved)).toEqual([]);
    expect(ok(variant((d) => Object.assign(d.plans[0].changes[0], { attribution: {} })))).toEqual([]);

    expect(ok(variant((d) => delete d.errors))).not.toEqual([]);
    expect(ok(variant((d) => (d.version = 1)))).not.toEqual([]);
    expect(ok(variant((d) => (d.plans = d.plans[0])))).not.toEqual([]); // the bare plan of old
    expect(ok(variant((d) => (d.plans[0].changes[0].fields[0].op = 'rename')))).not.toEqual([]);
    expect(
      ok(variant((d) => (d.plans[0].changes[0].fields = [{ path: 'Fields[Id.Name="x"]', op: 'move' }]))),
    ).not.toEqual([]);
    expect(ok(variant((d) => (d.plans[0].changes[0].fields[0].impact = 'recreate')))).not.toEqual([]);
    expect(ok(variant((d) => (d.plans[0].changes[0].kind = 'queue')))).not.toEqual([]);
    expect(ok(variant((d) => delete d.plans[0].summary.unmanaged))).not.toEqual([]);
    expect(ok(variant((d) => (d.reports = [])))).not.toEqual([]); // reports without targets
    expect(ok(variant((d) => (d.plans[0].changes[0].attribution = { when: 'yesterday' })))).not.toEqual([]);
    expect(change.action).toBe('create'); // the real plan, untouched by the variants
  });
});

describe('plan --detailed-exitcode', () => {
  it('exits 0 without changes, 2 with changes, 3 when apply would refuse them', async () => {
    const dir = tempDir('json-exit-');
    writeConfig(dir, { dev: target() }, {}, { rules: [callRule('json-exit')] });
    expect((await run(['plan', dir, '--detailed-exitcode'], { cwd: dir })).code).toBe(2);
    expect((await run(['apply', dir, '--auto-approve'], { cwd: dir })).code).toBe(0);
    expect((await run(['plan', dir, '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
    writeConfig(
      dir,
      { dev: target() },
      {},
      { rules: [callRule('json-exit', 'OnPostChatAnalysisAvailable', { lifecycle: { preventDestroy: true } })] },
    );
    const blocked = await run(['plan', dir, '--detailed-exitcode', '-f', 'json'], { cwd: dir });
    expect(blocked.code).toBe(3);
    expect(documentOf(blocked).plans[0].blocked).toHaveLength(1);
    // Without the flag a plan is a success whatever it holds.
    expect((await run(['plan', dir], { cwd: dir })).code).toBe(0);
  });
});
