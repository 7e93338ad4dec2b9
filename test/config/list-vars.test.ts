/**
 * Vars that hold lists and mappings (issue #21): used whole (`UserIds: ${var.ids}`) they give the
 * resource a copy of the list or mapping, per target; inside a larger string they are an error at
 * the value; errors inside them point into the targets section; sensitive strings in them stay
 * sensitive, each at its own path.
 */
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateString } from '../../src/config/interpolate.js';
import { resolveTarget } from '../../src/config/resolve.js';
import { TARGETS_YAML, at, loadText } from './helpers.js';

const TWO_TARGETS = `targets:
  staging:
    region: us-east-1
    instanceId: 11111111-2222-3333-4444-555555555555
    vars:
      supervisors: [alice]
      required: [Title]
      recipient: { UserTags: { role: supervisor } }
  prod:
    region: us-east-1
    instanceId: 11111111-2222-3333-4444-555555555555
    vars:
      supervisors:
        - alice
        - bob
      required: [Title, Account number]
      recipient:
        UserIds: [bob]
`;

const RESOURCES = `rules:
  - Name: escalate
    Actions:
      - ActionType: SEND_NOTIFICATION
        SendNotificationAction:
          Recipient:
            UserIds: \${var.supervisors}
      - ActionType: SEND_NOTIFICATION
        SendNotificationAction:
          Recipient: \${var.recipient}
taskTemplates:
  - Name: callback
    Constraints:
      RequiredFields: \${var.required}
    Tags: { team: "\${var.supervisors}" }
`;

describe('a list or mapping var used as a whole value', () => {
  it('gives each target its own list or mapping, in place of the ${var.x}', async () => {
    const { config } = await loadText(TWO_TARGETS + RESOURCES);
    const resolved = (target: string) => {
      const r = resolveTarget(config, target, {});
      expect(r.problems).toEqual([]);
      return { vars: r.target.vars, bodies: r.resources.map((d) => d.body) as Record<string, any>[] };
    };
    const [stagingRule, stagingTemplate] = resolved('staging').bodies;
    const prod = resolved('prod');
    const [prodRule, prodTemplate] = prod.bodies;
    expect(stagingRule.Actions[0].SendNotificationAction.Recipient).toEqual({ UserIds: ['alice'] });
    expect(prodRule.Actions[0].SendNotificationAction.Recipient).toEqual({ UserIds: ['alice', 'bob'] });
    // A mapping var fills a mapping field whole.
    expect(stagingRule.Actions[1].SendNotificationAction.Recipient).toEqual({ UserTags: { role: 'supervisor' } });
    expect(prodRule.Actions[1].SendNotificationAction.Recipient).toEqual({ UserIds: ['bob'] });
    expect(stagingTemplate.Constraints.RequiredFields).toEqual(['Title']);
    expect(prodTemplate.Constraints.RequiredFields).toEqual(['Title', 'Account number']);
    // Each use is a copy: editing one body changes neither the other use nor the var.
    prodRule.Actions[0].SendNotificationAction.Recipient.UserIds.push('mallory');
    expect(prodTemplate.Tags.team).toEqual(['alice', 'bob']);
    expect(prod.vars.supervisors).toEqual(['alice', 'bob']);
    // The raw body keeps the text as written.
    expect(config.items[0].body.Actions).toMatchObject([
      { SendNotificationAction: { Recipient: { UserIds: '${var.supervisors}' } } },
      { SendNotificationAction: { Recipient: '${var.recipient}' } },
    ]);
  });

  it('inside a larger string is an error at the value that uses it', async () => {
    const text = `${TWO_TARGETS}rules:\n  - Name: "escalate-\${var.supervisors}"\n    Description: "to \${var.recipient}"\n`;
    const { config, file } = await loadText(text);
    const { problems, resources } = resolveTarget(config, 'prod', {});
    expect(problems).toEqual([
      {
        severity: 'error',
        message: 'rules[0].Name: ${var.supervisors} is a list: a list or mapping var can only be used as a whole value',
        hint: "write '${var.supervisors}' alone as the value, or make the var text",
        pos: at(file, text, '"escalate-'),
        path: 'rules[0].Name',
      },
      {
        severity: 'error',
        message:
          'rules[0].Description: ${var.recipient} is a mapping: a list or mapping var can only be used as a whole value',
        hint: "write '${var.recipient}' alone as the value, or make the var text",
        pos: at(file, text, '"to '),
        path: 'rules[0].Description',
      },
    ]);
    // The text is left as written (nothing half-substituted).
    expect(resources[0].body.Name).toBe('escalate-${var.supervisors}');
  });

  it('interpolateString: a copy when whole, an issue when embedded', () => {
    const ids = ['a', { b: [1, true] }];
    const scope = { vars: { ids }, env: {} };
    const whole = interpolateString('${var.ids}', scope);
    expect(whole).toEqual({ value: ids, issues: [], sources: [], shown: ids });
    expect(whole.value).not.toBe(ids);
    expect((whole.value as unknown[])[1]).not.toBe(ids[1]);
    expect(interpolateString('x${var.ids}', scope)).toMatchObject({ value: 'x${var.ids}', issues: [{}] });
    // `$${var.ids}` is literal text, not a use.
    expect(interpolateString('x$${var.ids}', scope)).toMatchObject({ value: 'x${var.ids}', issues: [] });
  });
});

describe("a list or mapping var's own values", () => {
  it('take ${env.X} in their strings; an error in them points into the targets section', async () => {
    const text = `${TARGETS_YAML}    vars:
      ids: [alice, "\${env.NOPE}"]
      deep: { a: { b: "\${var.other}" } }
      empty: [1, null]
rules:
  - Name: r
    X: \${var.ids}
`;
    const { config, file } = await loadText(text);
    const { problems } = resolveTarget(config, 'dev', {});
    expect(problems.map((p) => [p.message, p.pos])).toEqual([
      ["targets.dev.vars.ids[1]: environment variable 'NOPE' is not set", at(file, text, '"${env.NOPE}"')],
      ['targets.dev.vars.deep.a.b: ${var.other} cannot be used in target fields', at(file, text, '"${var.other}"')],
      // The document schema checks what a var may hold, at any depth.
      [
        'targets.dev.vars.empty[1]: must be a string or a number or true or false or a list or a mapping (got empty)',
        at(file, text, 'null'),
      ],
    ]);
  });

  it('keep a sensitive string sensitive, at its own path in each resource that uses the var', async () => {
    const text = `${TARGETS_YAML}    vars:
      ids: [alice, "\${env.ONCALL_ID}"]
      routing: { plain: x, who: { id: "user-\${env.ONCALL_ID}" } }
rules:
  - Name: r
    Actions:
      - SendNotificationAction: { Recipient: { UserIds: "\${var.ids}" } }
    Routing: \${var.routing}
`;
    const { config } = await loadText(text);
    const r = resolveTarget(config, 'dev', { ONCALL_ID: 'b15c6d7e-oncall' });
    expect(r.problems).toEqual([]);
    expect(r.resources[0].body.Actions).toEqual([
      { SendNotificationAction: { Recipient: { UserIds: ['alice', 'b15c6d7e-oncall'] } } },
    ]);
    expect(r.resources[0].sensitive).toEqual([
      {
        path: ['Actions', 0, 'SendNotificationAction', 'Recipient', 'UserIds', 1],
        sources: ['env.ONCALL_ID'],
        shown: '(sensitive: env.ONCALL_ID)',
      },
      { path: ['Routing', 'who', 'id'], sources: ['env.ONCALL_ID'], shown: 'user-(sensitive: env.ONCALL_ID)' },
    ]);
    expect(r.sensitiveFields).toEqual({ 'vars.ids': ['env.ONCALL_ID'], 'vars.routing': ['env.ONCALL_ID'] });
    expect(r.redactor.scrub('id b15c6d7e-oncall')).toBe('id (sensitive: env.ONCALL_ID)');
    // Public, nothing is sensitive.
    expect(resolveTarget(config, 'dev', { ONCALL_ID: 'x' }, { publicEnv: ['ONCALL_ID'] }).resources[0].sensitive).toBe(
      undefined,
    );
  });

  it('a --var-file list replaces the target list, and is no longer sensitive', async () => {
    const text = `${TARGETS_YAML}    vars: { ids: ["\${env.ONCALL_ID}"] }
rules:
  - Name: r
    UserIds: \${var.ids}
`;
    const { config } = await loadText(text);
    const r = resolveTarget(config, 'dev', { ONCALL_ID: 'u1' }, { varOverrides: { ids: ['u2', 'u3'] } });
    expect(r.resources[0].body.UserIds).toEqual(['u2', 'u3']);
    expect(r.resources[0].sensitive).toBeUndefined();
    expect(r.sensitiveFields).toEqual({});
  });
});

describe('interpolate', () => {
  it('marks each sensitive string of a whole list var at its path under the use', () => {
    const scope = {
      vars: { ids: ['a', 'secret'] },
      env: {},
      sensitiveVars: {
        ids: {
          sources: ['env.S'],
          shown: ['a', '(sensitive: env.S)'],
          parts: [{ path: [1], sources: ['env.S'], shown: '(sensitive: env.S)' }],
        },
      },
    };
    expect(interpolate({ list: [{ to: '${var.ids}' }] }, scope).sensitive).toEqual([
      { path: ['list', 0, 'to', 1], sources: ['env.S'], shown: '(sensitive: env.S)' },
    ]);
  });
});
