import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate, interpolateString } from '../../src/config/interpolate.js';
import { loadConfig } from '../../src/config/load.js';
import { listTargets, resolveTarget } from '../../src/config/resolve.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { FIXTURE_DIR, at, loadText, tempConfig, TARGETS_YAML, ruleYaml } from './helpers.js';

const scope = {
  vars: { flow: 'Main flow', sla: 30, on: true },
  env: { HOME_DIR: '/home/x', EMPTY: '' },
  targetName: 'prod',
};

describe('interpolateString', () => {
  it('replaces vars and env, and stringifies embedded values', () => {
    expect(interpolateString('flow ${var.flow} after ${var.sla}m in ${env.HOME_DIR}', scope)).toEqual({
      value: 'flow Main flow after 30m in /home/x',
      issues: [],
      sources: ['env.HOME_DIR'],
      shown: 'flow Main flow after 30m in (sensitive: env.HOME_DIR)',
    });
    expect(interpolateString('[${env.EMPTY}]', scope).value).toBe('[]');
  });

  it('keeps the type of a whole-string ${var.x}', () => {
    expect(interpolateString('${var.sla}', scope).value).toBe(30);
    expect(interpolateString('${var.on}', scope).value).toBe(true);
    expect(interpolateString('${var.sla}${var.sla}', scope).value).toBe('3030');
    expect(interpolateString(' ${var.sla}', scope).value).toBe(' 30');
  });

  it('$${ is a literal ${, and a lone $ is left alone', () => {
    expect(interpolateString('$${var.flow} costs $5 and $$', scope)).toEqual({
      value: '${var.flow} costs $5 and $$',
      issues: [],
      sources: [],
      shown: '${var.flow} costs $5 and $$',
    });
    expect(interpolateString('$.ContactLens.Score', scope).value).toBe('$.ContactLens.Score');
  });

  it('names an undefined variable and lists the defined ones', () => {
    expect(interpolateString('${var.flw}', scope).issues).toEqual([
      {
        message: "undefined variable 'flw'; target 'prod' defines flow, sla, on; did you mean 'flow'?",
        hint: 'add it under targets.prod.vars',
      },
    ]);
    expect(interpolateString('${var.x}', { env: {}, vars: {}, targetName: 'dev' }).issues[0].message).toBe(
      "undefined variable 'x'; target 'dev' defines no vars",
    );
  });

  it('reports unset env vars, unknown forms and unterminated ${', () => {
    expect(interpolateString('${env.NOPE}', scope).issues).toEqual([
      {
        message: "environment variable 'NOPE' is not set",
        hint: 'set it before running connectform, or write $${ for a literal ${',
      },
    ]);
    expect(interpolateString('${vars.flow}', scope).issues[0].message).toBe(
      "unknown interpolation '${vars.flow}'; did you mean 'var.flow'?",
    );
    expect(interpolateString('${flow}', scope).issues[0]).toEqual({
      message: "unknown interpolation '${flow}'",
      hint: 'use ${var.NAME} or ${env.NAME}, or write $${ for a literal ${',
    });
    expect(interpolateString('abc ${var.flow', scope).issues[0].message).toBe("unterminated '${' in '${var.flow'");
  });

  it('refuses ${var.x} where vars are not allowed (target fields)', () => {
    expect(interpolateString('${var.flow}', { env: {} }).issues[0]).toEqual({
      message: '${var.flow} cannot be used in target fields',
      hint: 'target fields take ${env.NAME} only',
    });
  });
});

describe('sensitive values (issue #9)', () => {
  const env = { A: 'alpha', B: 'beta', SHOWN: 'shown' };

  it('lists the non-public variables a value used, directly or through a var', () => {
    const s = {
      env,
      vars: { v: 'alpha', plain: 'p' },
      sensitiveVars: { v: { sources: ['env.A'], shown: '(sensitive: env.A)' } },
      publicEnv: new Set(['SHOWN']),
    };
    expect(interpolateString('${env.B}-${var.v}-${env.SHOWN}-${var.plain}', s)).toEqual({
      value: 'beta-alpha-shown-p',
      issues: [],
      sources: ['env.A', 'env.B'],
      shown: '(sensitive: env.B)-(sensitive: env.A)-shown-p',
    });
    expect(interpolateString('${var.v}', s)).toMatchObject({ sources: ['env.A'], shown: '(sensitive: env.A)' });
    expect(interpolateString('${env.SHOWN}', s).sources).toEqual([]);
    expect(interpolate({ a: ['x', 'is ${env.A}'], b: '${env.SHOWN}' }, s).sensitive).toEqual([
      { path: ['a', 1], sources: ['env.A'], shown: 'is (sensitive: env.A)' },
    ]);
  });

  it('refuses credential names, even public or unset', () => {
    const s = { env: { GITHUB_TOKEN: 'ghp_x' }, publicEnv: new Set(['GITHUB_TOKEN']) };
    for (const name of ['GITHUB_TOKEN', 'AWS_ACCESS_KEY_ID', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'db_password', 'MONKEY']) {
      const r = interpolateString(`\${env.${name}}`, s);
      expect(r.issues[0].message).toMatch(new RegExp(`^\\$\\{env\\.${name}\\} is refused: `));
      expect(r.value).toBe(`\${env.${name}}`);
    }
  });

  it('CONNECTFORM_PUBLIC_ENV and the publicEnv option make variables printable; the config cannot', async () => {
    const text = `targets:
  dev:
    region: us-east-1
    instanceId: 11111111-2222-3333-4444-555555555555
    vars: { CONNECTFORM_PUBLIC_ENV: A }
customActions:
  - ActionName: "\${env.A}"
    Definition: { CommandText: "\${env.B}" }
`;
    const { config } = await loadText(text);
    expect(resolveTarget(config, undefined, env).resources[0].sensitive).toEqual([
      { path: ['ActionName'], sources: ['env.A'], shown: '(sensitive: env.A)' },
      { path: ['Definition', 'CommandText'], sources: ['env.B'], shown: '(sensitive: env.B)' },
    ]);
    expect(
      resolveTarget(config, undefined, { ...env, CONNECTFORM_PUBLIC_ENV: 'A' }, { publicEnv: ['B'] }).resources[0]
        .sensitive,
    ).toBeUndefined();
  });
});

describe('interpolate', () => {
  it('walks every string, leaves keys alone, and returns a copy with issue paths', () => {
    const input = { '${var.flow}': 'x', list: ['${var.sla}', { deep: '${var.nope}' }], n: 1, b: false, z: null };
    const r = interpolate(input, scope);
    expect(r.value).toEqual({ '${var.flow}': 'x', list: [30, { deep: '${var.nope}' }], n: 1, b: false, z: null });
    expect(r.issues.map((i) => i.path)).toEqual([['list', 1, 'deep']]);
    expect(input.list[0]).toBe('${var.sla}');
  });
});

describe('resolveTarget', () => {
  const env = { CONNECT_PROD_INSTANCE_ID: 'abcdef01-2345-6789-abcd-ef0123456789' };

  it('interpolates each resource per target: vars of that target, env for target fields', async () => {
    const config = await loadConfig(FIXTURE_DIR);
    expect(listTargets(config)).toEqual(['staging', 'prod']);
    const staging = resolveTarget(config, 'staging', env);
    const prod = resolveTarget(config, 'prod', env);
    expect(staging.problems).toEqual([]);
    expect(prod.problems).toEqual([]);
    expect(prod.target).toMatchObject({
      name: 'prod',
      region: 'eu-west-2',
      instanceId: env.CONNECT_PROD_INSTANCE_ID,
      accountId: '123456789012',
      vars: { env: 'prod', slaMinutes: 30 },
    });
    expect(staging.resources.map((r) => r.body.Name ?? r.body.ActionName ?? r.body.name)).toEqual([
      'escalate-angry-callers-staging',
      'escalate-angry-chats-staging',
      'Callback',
      'restart-service',
      'SupportSlack',
    ]);
    expect(prod.resources[0].body).toMatchObject({
      Name: 'escalate-angry-callers-prod',
      Actions: [{ TaskAction: { ContactFlowId: { name: 'Escalation' } } }],
    });
    expect(staging.resources[0].body).toMatchObject({
      Actions: [{ TaskAction: { ContactFlowId: { name: 'Escalation (staging)' } } }],
    });
    expect(prod.resources[0].lifecycle).toEqual({ preventDestroy: true });
    expect(prod.resources[1].lifecycle).toEqual({ ignoreChanges: ['Function'] });
    // the raw body stays un-interpolated
    expect(config.items[0].body.Name).toBe('escalate-angry-callers-${var.env}');
  });

  it('positions an undefined variable at the value that uses it', async () => {
    const text = `${TARGETS_YAML}rules:\n${ruleYaml('${var.ruleName}')}`;
    const { config, file } = await loadText(text);
    const { problems, resources } = resolveTarget(config, undefined, {});
    expect(problems).toEqual([
      {
        severity: 'error',
        message: "rules[0].Name: undefined variable 'ruleName'; target 'dev' defines no vars",
        hint: 'add it under targets.dev.vars',
        pos: at(file, text, '${var.ruleName}'),
        path: 'rules[0].Name',
      },
    ]);
    expect(resources[0].body.Name).toBe('${var.ruleName}');
  });

  it('interpolates target fields with env only, then checks their format', async () => {
    const text = `targets:
  t:
    region: \${env.REGION}
    instanceId: arn:aws:connect:us-east-1:123456789012:instance/abc
    endpoint: not a url
    accountId: \${var.acct}
    vars: { home: "\${env.HOME_X}" }
`;
    const { config, file } = await loadText(text);
    const r = resolveTarget(config, 't', { REGION: 'mars-1', HOME_X: '/h' });
    expect(r.target.vars).toEqual({ home: '/h' });
    expect(r.problems.map((p) => [p.message, p.pos?.line])).toEqual([
      // The value came from the environment: the message names the variable, not the value.
      ['targets.t.region: (sensitive: env.REGION) is not an AWS region', 3],
      ["targets.t.endpoint: 'not a url' is not an http(s) URL", 5],
      ['targets.t.accountId: ${var.acct} cannot be used in target fields', 6],
    ]);
    // An instance ARN is taken, as the UUID at its end (issue #20).
    expect(r.target.instanceId).toBe('abc');
    expect(r.problems[0].pos).toEqual(at(file, text, '${env.REGION}'));
  });

  it('chooses the only target by default; otherwise --target is required and checked', async () => {
    const two = tempConfig({ 'a.yaml': `${TARGETS_YAML}  prod:\n    region: us-east-1\n    instanceId: x\n` });
    const config = await loadConfig(join(two, 'a.yaml'));
    expect(() => resolveTarget(config, undefined, {})).toThrow(
      new UsageError('the config defines 2 targets (dev, prod); choose one with --target'),
    );
    expect(() => resolveTarget(config, 'prd', {})).toThrow(
      new UsageError("unknown target 'prd'; the config defines dev, prod; did you mean 'prod'?"),
    );
    expect(resolveTarget(config, 'prod', {}).target.name).toBe('prod');
    const none = await loadText('rules: []\n');
    // No target anywhere: a config problem, at the first file's start.
    expect(() => resolveTarget(none.config, undefined, {})).toThrow(ConfigError);
    expect(() => resolveTarget(none.config, undefined, {})).toThrow(
      /config\.yaml:1:1: error: the config defines no targets/,
    );
    // A misspelt `targets:` is reported as such, positioned, not as "no targets".
    const typo = await loadText('target:\n  dev: { region: us-east-1, instanceId: x }\n');
    expect(() => resolveTarget(typo.config, undefined, {})).toThrow(
      /1:1: error: unknown top-level key 'target'; did you mean 'targets'\?/,
    );
  });

  it('passes the loader document problems through', async () => {
    const { config } = await loadText(`${TARGETS_YAML}settings: { parallelism: 0 }\n`);
    expect(resolveTarget(config, undefined, {}).problems.map((p) => p.message)).toEqual([
      'settings.parallelism: must be >= 1 (got 0)',
    ]);
  });
});
