/**
 * The GitOps workflow through the CLI against an in-process sandbox: saved plans, drift exit
 * codes, PR-ready markdown, safety rails, per-target variables, CI annotations, and the
 * terminal conventions (no colour off a TTY, no apply without confirmation).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { CreateRuleCommand, ListRulesCommand, TagResourceCommand } from '@aws-sdk/client-connect';
import {
  planOf,
  runCliInProcess as runCli,
  tempDir,
  writeConfig,
  phraseFunction,
  postCallRule,
} from '../helpers/cli.js';
import { INSTANCE, clients } from '../sandbox/helpers.js';
import { exampleFunction } from '../helpers/rule-function.js';

const OTHER_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';
const rule = postCallRule;

let sandbox: SandboxHandle;
let dir: string;
const cli = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: dir });
const targets = () => ({
  dev: { endpoint: sandbox.endpoint, vars: { env: 'dev', threshold: '10' } },
  prod: { endpoint: sandbox.endpoint, instanceId: OTHER_INSTANCE, vars: { env: 'prod', threshold: '99' } },
});

beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: OTHER_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
});
afterAll(async () => sandbox?.stop());
beforeEach(() => {
  dir = tempDir('gitops-');
});

describe('saved plans', () => {
  it('applies exactly the saved plan, and refuses it once live state or config moved', async () => {
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('saved-a'), rule('saved-b')] });
    expect((await cli('apply', dir, '-t', 'dev', '--auto-approve')).code).toBe(0);

    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('saved-a', 2), rule('saved-b', 3)] });
    const planFile = join(dir, 'plan.json');
    expect((await cli('plan', dir, '-t', 'dev', '--out', planFile)).code).toBe(0);
    const saved = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(saved.version).toBe(3);
    expect(saved.changes.map((c: { name: string }) => c.name)).toEqual(['saved-a', 'saved-b']);
    expect(readFileSync(planFile, 'utf8')).not.toMatch(/secretAccessKey|sandbox-secret/);
    expect(statSync(planFile).mode & 0o777).toBe(0o600);

    // Someone changes saved-b behind our back: the plan is stale, nothing is applied.
    const other = join(dir, 'other');
    writeConfig(other, { dev: targets().dev }, {}, { rules: [rule('saved-a'), rule('saved-b', 7)] });
    expect(
      (await runCli(['apply', other, '-t', 'dev', '--auto-approve', '--quota-scale', '50'], { cwd: dir })).code,
    ).toBe(0);
    sandbox.resetStats();
    const stale = await cli('apply', planFile, '--auto-approve');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/nothing was applied[\s\S]*rule "saved-b": changed since the plan was made/);
    expect(writes()).toBe(0);
    const after = planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json'));
    expect(after.changes.find((c) => c.name === 'saved-a')!.action).toBe('update'); // untouched

    // A fresh plan applies exactly its changes.
    expect((await cli('plan', dir, '-t', 'dev', '--out', planFile)).code).toBe(0);
    sandbox.resetStats();
    const fresh = await cli('apply', planFile, '--auto-approve', '--format', 'json');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(sandbox.stats().operations['connect:UpdateRule']?.calls).toBe(2);
    expect(planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json')).changes).toEqual([]);

    // A changed config makes the saved plan stale too.
    expect((await cli('plan', dir, '-t', 'dev', '--out', planFile)).code).toBe(0);
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('saved-a', 5), rule('saved-b', 3)] });
    const changed = await cli('apply', planFile, '--auto-approve');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/the config changed since the plan was made/);
  });

  /** Writes the sandbox saw since the last reset. */
  const writes = () => sandbox.stats().writeCalls;

  /** A plan with one update saved to `file`; returns the parsed document. */
  async function savedUpdate(file: string, extraRules: object[] = [], settings: object = {}) {
    writeConfig(dir, { dev: targets().dev }, settings, { rules: [rule('t-a'), ...extraRules] });
    expect((await cli('apply', dir, '-t', 'dev', '--auto-approve')).code).toBe(0);
    writeConfig(dir, { dev: targets().dev }, settings, { rules: [rule('t-a', 42), ...extraRules] });
    const r = await cli('plan', dir, '-t', 'dev', '--out', file);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(readFileSync(file, 'utf8'));
  }

  it('refuses a hand-edited plan (an added delete, a changed body, an emptied blocked list) and writes nothing', async () => {
    // A rule made in the console (not in the config, not managed) and a protected one.
    await clients(sandbox.endpoint, 'us-east-2').connect.send(
      new CreateRuleCommand({
        InstanceId: INSTANCE,
        Name: 'console-made',
        TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
        Function: JSON.stringify(phraseFunction('refund')),
        Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'console' } }],
        PublishStatus: 'PUBLISHED',
      }),
    );
    const file = join(dir, 'tfplan'); // any name: recognised by content
    const doc = await savedUpdate(file);
    const tamper = (edit: (d: typeof doc) => void) => {
      const d = structuredClone(doc);
      edit(d);
      writeFileSync(file, JSON.stringify(d));
    };

    tamper((d) =>
      d.changes.push({ kind: 'rule', name: 'console-made', action: 'delete', fields: [], id: 'x', reason: 'pruned' }),
    );
    sandbox.resetStats();
    let r = await cli('apply', file, '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /rule "console-made": the saved plan would delete it; a plan made now has no change for it/,
    );
    expect(writes()).toBe(0);

    tamper((d) => (d.changes[0].desired.Function = phraseFunction('tampered')));
    r = await cli('apply', file, '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule "t-a": the body apply would send differs/);
    expect(writes()).toBe(0);

    // The untouched file applies.
    writeFileSync(file, JSON.stringify(doc));
    r = await cli('apply', file, '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    expect(writes()).toBe(1);
  });

  it('refuses a plan whose safety verdict was emptied by hand', async () => {
    const file = join(dir, 'plan.out');
    const protectedRule = { ...rule('t-keep'), lifecycle: { preventDestroy: true } };
    writeConfig(dir, { dev: targets().dev }, { prune: true }, { rules: [rule('t-a'), protectedRule] });
    expect((await cli('apply', dir, '-t', 'dev', '--auto-approve')).code).toBe(0);
    writeConfig(
      dir,
      { dev: targets().dev },
      { prune: true },
      {
        rules: [
          rule('t-a'),
          {
            ...protectedRule,
            TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
            Function: exampleFunction('OnContactEvaluationSubmit'),
          },
        ],
      },
    );
    const planned = await cli('plan', dir, '-t', 'dev', '--out', file);
    expect(planned.stdout).toMatch(/Blocked:/);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.blocked = [];
    writeFileSync(file, JSON.stringify(doc));
    sandbox.resetStats();
    const r = await cli('apply', file, '--auto-approve', '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a plan made now is blocked: .*preventDestroy/);
    expect(writes()).toBe(0);
  });

  it('notices a tag changed in the console between plan and apply', async () => {
    const file = join(dir, 'plan.json');
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('t-tag', 1, { Tags: { team: 'a' } })] });
    expect((await cli('apply', dir, '-t', 'dev', '--auto-approve')).code).toBe(0);
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('t-tag', 2, { Tags: { team: 'a' } })] });
    expect((await cli('plan', dir, '-t', 'dev', '--out', file)).code).toBe(0);
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const listed = await connect.send(new ListRulesCommand({ InstanceId: INSTANCE, MaxResults: 100 }));
    const arn = listed.RuleSummaryList!.find((x) => x.Name === 't-tag')!.RuleArn!;
    await connect.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'console' } }));
    sandbox.resetStats();
    const r = await cli('apply', file, '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule "t-tag": fields differ from the saved plan: Tags\.team/);
    expect(writes()).toBe(0);
  });

  it('applies from another working directory, refuses another target, and show renders it again', async () => {
    const plans = join(dir, 'plans');
    mkdirSync(plans);
    const file = join(plans, 'staging.plan');
    await savedUpdate(file);
    const wrong = await cli('apply', file, '-t', 'prod', '--auto-approve');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is a plan for target "dev", not "prod"/);

    for (const format of ['text', 'json', 'markdown']) {
      const shown = await runCli(['show', file, '-f', format], { cwd: tempDir('elsewhere-') });
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/t-a/);
    }
    // From another directory the recorded paths are not there: --config names the same files.
    const elsewhereDir = tempDir('elsewhere-');
    const missing = await runCli(['apply', file, '--auto-approve'], { cwd: elsewhereDir });
    expect(missing.code).toBe(1);
    const elsewhere = await runCli(['apply', file, '--config', dir, '--auto-approve', '--quota-scale', '50'], {
      cwd: elsewhereDir,
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(planOf(await cli('plan', dir, '-t', 'dev', '--format', 'json')).changes).toEqual([]);
  });
});

describe('values from the environment (issue #9)', () => {
  it('are saved as markers, and apply of the saved plan sends the real value', async () => {
    writeConfig(
      dir,
      { dev: targets().dev },
      {},
      { rules: [rule('sensitive-a', phraseFunction('${env.CF_TEST_PHRASE}'))] },
    );
    const env = { CF_TEST_PHRASE: 'hunter2-xyz' };
    const run = (...args: string[]) => runCli([...args, '--quota-scale', '50'], { cwd: dir, env });
    const planFile = join(dir, 'plan.json');
    const planned = await run('plan', dir, '-t', 'dev', '--out', planFile);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('- "(sensitive: env.CF_TEST_PHRASE)"'); // a create's body, at the operand
    expect(planned.stdout + planned.stderr + readFileSync(planFile, 'utf8')).not.toContain('hunter2-xyz');

    const applied = await run('apply', planFile, '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain('hunter2-xyz');
    // The rule got the real value, not the marker: planning again finds nothing to change.
    expect(planOf(await run('plan', dir, '-t', 'dev', '--format', 'json')).changes).toEqual([]);
  });
});

describe('drift', () => {
  it('exits 0 without drift, 2 with drift (all targets, one report), 1 on error', async () => {
    writeConfig(dir, targets(), {}, { rules: [rule('drift-${var.env}')] });
    expect((await cli('apply', dir, '-t', 'all', '--auto-approve')).code).toBe(0);
    const none = await cli('drift', dir, '-t', 'all', '--format', 'json');
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout).plans.map((p: { target: string }) => p.target)).toEqual(['dev', 'prod']);

    writeConfig(dir, targets(), {}, { rules: [rule('drift-${var.env}', phraseFunction('refund ${var.threshold}'))] });
    const drift = await cli('drift', dir, '-t', 'all', '--format', 'json');
    expect(drift.code).toBe(2);
    const plans = JSON.parse(drift.stdout).plans;
    expect(
      plans.map((p: { changes: { name: string; fields: { after: unknown }[] }[] }) => [
        p.changes[0].name,
        p.changes[0].fields[0].after,
      ]),
    ).toEqual([
      ['drift-dev', 'refund 10'],
      ['drift-prod', 'refund 99'],
    ]);
    expect((await cli('plan', dir, '-t', 'dev', '--detailed-exitcode')).code).toBe(2);

    writeConfig(dir, { dev: { ...targets().dev, endpoint: 'http://127.0.0.1:1' } }, {}, { rules: [rule('x')] });
    const down = await runCli(['drift', dir, '--quota-scale', '50']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^Error: .*ECONNREFUSED/m);
  });
});

describe('markdown for pull requests', () => {
  it('matches the golden file', async () => {
    // Its own sandbox: the shared one holds the other tests' resources, which this plan would
    // name as unmanaged (and the golden would then depend on which tests ran before it).
    const own = await startSandbox({ seed: structuredClone(DEFAULT_SEED), quotas: false });
    try {
      const dev = { endpoint: own.endpoint };
      const seedDir = join(dir, 'seed');
      writeConfig(
        seedDir,
        { dev },
        { prune: true },
        { rules: [rule('md-keep'), rule('md-change'), rule('md-gone'), rule('md-replace')] },
      );
      expect((await runCli(['apply', seedDir, '--auto-approve', '--quota-scale', '50'])).code).toBe(0);
      writeConfig(
        dir,
        { dev },
        { prune: true },
        {
          rules: [
            rule('md-keep'),
            rule('md-change', 5),
            rule('md-new'),
            rule('md-replace', 1, {
              TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
              Function: exampleFunction('OnContactEvaluationSubmit'),
            }),
          ],
        },
      );
      const r = await cli('plan', dir, '--format', 'markdown');
      expect(r.code, r.stderr).toBe(0);
      const golden = join(import.meta.dirname, 'golden', 'plan.md');
      // The sandbox stamps each change with the time it was made: the one part that moves.
      const shown = r.stdout.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
      if (!existsSync(golden) && process.env.UPDATE_GOLDEN) writeFileSync(golden, shown);
      expect(shown).toBe(readFileSync(golden, 'utf8'));
    } finally {
      await own.stop();
    }
  });
});

describe('safety rails', () => {
  it('preventDestroy blocks a replace even with --force; the threshold blocks until --force', async () => {
    const rules = Array.from({ length: 10 }, (_, i) => rule(`rail-${i}`));
    writeConfig(dir, { dev: targets().dev }, { prune: true }, { rules });
    expect((await cli('apply', dir, '--auto-approve')).code).toBe(0);

    const protectedReplace = {
      ...rule('rail-0', 1, {
        TriggerEventSource: { EventSourceName: 'OnContactEvaluationSubmit' },
        Function: exampleFunction('OnContactEvaluationSubmit'),
      }),
      lifecycle: { preventDestroy: true },
    };
    writeConfig(dir, { dev: targets().dev }, { prune: true }, { rules: [protectedReplace, ...rules.slice(1)] });
    const blocked = await cli('apply', dir, '--auto-approve', '--force');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/preventDestroy/);
    expect(blocked.stdout).toMatch(/Blocked:/);

    writeConfig(dir, { dev: targets().dev }, { prune: true }, { rules: rules.slice(0, 6) }); // 4 of 10 deleted
    const threshold = await cli('apply', dir, '--auto-approve');
    expect(threshold.code).toBe(1);
    expect(threshold.stderr).toMatch(/4 of 10 managed rules[\s\S]*--force/);
    const forced = await cli('apply', dir, '--auto-approve', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(planOf(await cli('plan', dir, '--format', 'json')).changes).toEqual([]);
  });
});

describe('terminal and CI conventions', () => {
  it('has no colour off a TTY, refuses apply without a TTY or --auto-approve, annotates errors on GitHub', async () => {
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('conv-a')] });
    const plan = await runCli(['plan', dir, '--quota-scale', '50'], { env: { NO_COLOR: '' } });
    expect(plan.stdout).not.toMatch(/\u001b\[/);
    const apply = await cli('apply', dir);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/--auto-approve/);

    writeConfig(dir, { dev: targets().dev }, {}, { rules: [{ ...rule('conv-b'), PublishStatus: 'LIVE' }] });
    const bad = await runCli(['validate', dir], { env: { GITHUB_ACTIONS: 'true' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/::error file=.*resources\.yaml,line=\d+,col=\d+::/);
  });

  it('an undefined variable is a positioned error', async () => {
    writeConfig(dir, { dev: targets().dev }, {}, { rules: [rule('v-${var.nope}')] });
    const r = await runCli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resources\.yaml:\d+:\d+: error: .*nope/);
  });
});
