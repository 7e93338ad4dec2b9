/**
 * Attack (issue 23): a rule applied with `Subject: ${var.sv}` (`sv: ${env.MYSEC}`) and
 * `Tags.team: ${env.MYSEC}`; a later pull request replaces both by literals, and the CI no longer
 * has MYSEC. `plan` (text, markdown) and a nightly `drift` would print the live secret as the old
 * value. The resource remembers which fields came from a sensitive source (the value of its
 * marker tag, kinds/sensitive-marker.ts), so they stay masked until an apply writes them from a
 * non-sensitive source; export and pull never write the secret into a file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { decodeMarker, encodeMarker, MAX_MARKER_LENGTH } from '../../src/kinds/sensitive-marker.js';
import { INSTANCE, runCliInProcess as run, tempDir } from '../helpers/cli.js';
import { clients } from '../sandbox/helpers.js';
import { ListRulesCommand, TagResourceCommand } from '@aws-sdk/client-connect';
import { exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

const SECRET = 'hunter2-remembered-S3CRET';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

const rule = (subject: string, team: string) => `rules:
  - Name: remembered
    TriggerEventSource: { EventSourceName: OnPostCallAnalysisAvailable }
    Function: '${exampleFunctionJson('OnPostCallAnalysisAvailable')}'
    PublishStatus: PUBLISHED
    Actions:
      - ActionType: SEND_NOTIFICATION
        SendNotificationAction:
          DeliveryMethod: EMAIL
          Subject: ${subject}
          Content: hello
          ContentType: PLAIN_TEXT
          Recipient: { UserTags: { role: supervisor } }
    Tags: { team: ${team} }
`;

function repo(resources: string, vars = ''): string {
  const dir = tempDir('remembered-');
  writeFileSync(
    join(dir, 'connectform.yaml'),
    `targets:\n  dev:\n    region: us-east-2\n    instanceId: ${INSTANCE}\n    endpoint: ${sandbox.endpoint}\n${vars}${resources}`,
  );
  return dir;
}

const all = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('a field applied from a secret stays masked after its reference is gone', () => {
  it('plan (text, markdown, json), drift, export and pull never print or write the secret', async () => {
    const first = repo(rule("'${var.sv}'", "'${env.MYSEC}'"), '    vars:\n      sv: ${env.MYSEC}\n');
    const applied = await run(['apply', '.', '--auto-approve'], { cwd: first, env: { MYSEC: SECRET } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(all(applied)).not.toContain(SECRET);

    // The pull request: literals instead, and no MYSEC in the environment.
    const dir = repo(rule('plain subject', 'plain'));
    for (const format of ['text', 'markdown', 'json']) {
      const r = await run(['plan', '.', '-f', format, '--refresh'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(all(r), format).not.toContain(SECRET);
      expect(all(r), format).toContain('(sensitive: env.MYSEC)');
    }
    const text = await run(['plan', '.'], { cwd: dir });
    expect(text.stdout).toMatch(/Tags\.team: \(sensitive: env\.MYSEC\)/);
    const drift = await run(['drift', '.'], { cwd: dir });
    expect(drift.code).toBe(2);
    expect(all(drift)).not.toContain(SECRET);

    // export: the reference it came from, never the value.
    const out = join(dir, 'exported');
    const exported = await run(['export', '.', '--kinds', 'rule', '--out', out], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    const files = readdirSync(out).map((n) => readFileSync(join(out, n), 'utf8'));
    expect(files.join('\n')).not.toContain(SECRET);
    expect(files.join('\n')).toMatch(/team: "\$\{env\.MYSEC\}"/);
    expect(files.join('\n')).toContain('Subject: ${env.MYSEC}');

    // pull: the live secret is not written over the literals.
    const pulled = await run(['pull', '.'], { cwd: dir });
    expect(all(pulled)).not.toContain(SECRET);
    expect(readFileSync(join(dir, 'connectform.yaml'), 'utf8')).not.toContain(SECRET);

    // Applying the literals writes both from a non-sensitive source: the marker drops them.
    const literal = await run(['apply', '.', '--auto-approve'], { cwd: dir });
    expect(literal.code, literal.stderr).toBe(0);
    expect(all(literal)).not.toContain(SECRET);
    const next = repo(rule('other subject', 'other'));
    const shown = await run(['plan', '.'], { cwd: next });
    expect(shown.stdout).toMatch(/Tags\.team: plain → other|Tags\.team: "plain" → "other"/);
  });
});

describe('an apply cut before the marker call converges on the next one', () => {
  it('a marker that records less than the config says is rewritten alone, and then masks', async () => {
    const dir = repo(rule("'${env.MYSEC2}'", 'plain'));
    const env = { MYSEC2: `${SECRET}-2` };
    expect((await run(['apply', '.', '--auto-approve'], { cwd: dir, env })).code).toBe(0);
    // As an older connectform (or an apply killed between the write and the marker) leaves it.
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const list = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const arn = list.RuleSummaryList!.find((r) => r.Name === 'remembered')!.RuleArn!;
    await connect.send(new TagResourceCommand({ resourceArn: arn, tags: { 'connectform:managed': 'true' } }));

    const planned = await run(['plan', '.', '-f', 'json', '--refresh'], { cwd: dir, env });
    const fields = JSON.parse(planned.stdout).plans[0].changes.flatMap((c: { fields: { path: string }[] }) =>
      c.fields.map((f) => f.path),
    );
    expect(fields).toEqual(['Tags.connectform:managed']);
    expect((await run(['apply', '.', '--auto-approve'], { cwd: dir, env })).code).toBe(0);
    expect(JSON.parse((await run(['plan', '.', '-f', 'json'], { cwd: dir, env })).stdout).plans[0].changes).toEqual([]);
    const literal = repo(rule('literal now', 'plain'));
    const r = await run(['plan', '.'], { cwd: literal });
    expect(all(r)).not.toContain(SECRET);
    expect(r.stdout).toContain('(sensitive: env.MYSEC2)');
  });
});

describe('the marker value', () => {
  it('records paths and whole-value variables compactly, within the tag value pattern and length', () => {
    const value = encodeMarker([
      { path: ['Tags', 'team'], env: 'MYSEC' },
      { path: ['Actions', null, 'SendNotificationAction', 'Subject'], env: 'MYSEC' },
      { path: ['Tags', 'a key/with=odd chars é'] },
    ]);
    expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    expect(value.startsWith('true ')).toBe(true);
    expect(decodeMarker(value)).toEqual([
      { path: ['Actions', null, 'SendNotificationAction', 'Subject'], env: 'MYSEC' },
      { path: ['Tags', 'a key/with=odd chars é'] },
      { path: ['Tags', 'team'], env: 'MYSEC' },
    ]);
    expect(decodeMarker('true')).toEqual([]);
    expect(decodeMarker(undefined)).toEqual([]);
  });

  it('too many fields: cut to top-level fields, then to everything; an unreadable value masks everything', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ path: ['Tags', `tag-number-${i}`], env: `VARIABLE_${i}` }));
    const coarse = encodeMarker(many);
    expect(coarse).toBe('true Tags');
    const wide = Array.from({ length: 60 }, (_, i) => ({ path: [`Field${i}xxxx`] }));
    expect(encodeMarker(wide)).toBe('true +');
    expect(encodeMarker(wide).length).toBeLessThanOrEqual(MAX_MARKER_LENGTH);
    expect(decodeMarker('true +')).toEqual([{ path: [] }]);
    expect(decodeMarker('yes please')).toEqual([{ path: [] }]);
    expect(decodeMarker('true a=b=c')).toEqual([{ path: [] }]);
  });
});

describe('export of several targets', () => {
  it('writes each target secret field as the ${env.NAME} it came from (a var when they differ), never a value', async () => {
    const second = '7a2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f';
    const seed = structuredClone(DEFAULT_SEED);
    seed.connect.instances = [...seed.connect.instances, { id: second }];
    const world = await startSandbox({ seed, quotas: false });
    try {
      const dir = tempDir('remembered-targets-');
      const target = (name: string, instance: string) =>
        `  ${name}:\n    region: us-east-2\n    instanceId: ${instance}\n    endpoint: ${world.endpoint}\n    vars:\n      team: \${env.${name.toUpperCase()}_TEAM}\n`;
      writeFileSync(
        join(dir, 'connectform.yaml'),
        `targets:\n${target('dev', INSTANCE)}${target('prod', second)}${rule('same subject', "'${var.team}'")}`,
      );
      const env = { DEV_TEAM: `${SECRET}-dev`, PROD_TEAM: `${SECRET}-prod` };
      const applied = await run(['apply', '.', '-t', 'all', '--auto-approve'], { cwd: dir, env });
      expect(applied.code, applied.stderr).toBe(0);

      const out = join(dir, 'exported');
      const exported = await run(['export', '.', '-t', 'all', '--kinds', 'rule', '--out', out], { cwd: dir, env });
      expect(exported.code, exported.stderr).toBe(0);
      const text = readdirSync(out)
        .filter((n) => n.endsWith('.yaml'))
        .map((n) => readFileSync(join(out, n), 'utf8'))
        .join('\n');
      expect(all(exported) + text).not.toContain(SECRET);
      expect(text).toContain('team: "${var.remembered_tags_team}"');
      expect(text).toMatch(
        /remembered_tags_team: \$\{env\.DEV_TEAM\}[\s\S]*remembered_tags_team: \$\{env\.PROD_TEAM\}/,
      );
      const plan = await run(['plan', out, '-t', 'all', '--format', 'json'], { cwd: out, env });
      expect(plan.code, plan.stderr).toBe(0);
      expect(JSON.parse(plan.stdout).plans.map((p: { changes: unknown[] }) => p.changes)).toEqual([[], []]);
    } finally {
      await world.stop();
    }
  });
});
