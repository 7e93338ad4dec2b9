/**
 * Nothing lost across crashes (issue #12, point 7), with the kill the point: a proxy in front of
 * the sandbox (helpers.ts KillProxy, the config's loopback endpoint names it) SIGKILLs a spawned
 * apply exactly when the answer to a replace's DeleteRule passes back, after the server deleted
 * the rule and before the CLI learns it. The old rule is then gone and the new one not created;
 * the journal (under --state-dir, away from the config) holds the old body. The re-runs are
 * in-process against the same config, journal and sandbox:
 *   - the next plan shows the recovery, and the next apply creates the rule as declared;
 *   - if that create fails, the old body is created again and apply exits 1 (not converged).
 * And the journal adopts only what connectform made: a same-named template made by hand after a
 * killed create is never marked (so never pruned).
 */
import { ConnectClient, CreateTaskTemplateCommand, DeleteTaskTemplateCommand } from '@aws-sdk/client-connect';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { INSTANCE, planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import {
  KillProxy,
  liveView,
  ruleBody,
  templateBody,
  writeDesired,
  type Desired,
  type ProxyRequest,
  type Verdict,
} from './helpers.js';
import { killedRun, spawnCli } from './spawn-cli.js';

const none: Desired = { rules: [], taskTemplates: [], customActions: [] };
const CHAT = 'OnPostChatAnalysisAvailable';
/** The default seed's "Escalation" contact flow. */
const ESCALATION_FLOW_ID = '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6';

describe('a replace killed between its delete and its create', () => {
  let sandbox: SandboxHandle;
  let proxy: KillProxy;
  let endpoint: string;
  let dir: string;
  let stateDir: string;
  /** The sandbox's clock runs this far ahead (a hand-made resource, made later). */
  let clockAhead = 0;

  async function setup(): Promise<void> {
    sandbox = await startSandbox({
      seed: structuredClone(DEFAULT_SEED),
      quotas: false,
      randomSeed: 7,
      clock: () => Date.now() + clockAhead,
    });
    proxy = new KillProxy(sandbox.endpoint);
    endpoint = await proxy.start();
    dir = tempDir('faults-replace-');
    stateDir = join(tempDir('faults-state-'), 'state'); // not under the config's directory: --state-dir is what finds it
  }
  afterEach(async () => {
    clockAhead = 0;
    await proxy?.stop();
    await sandbox?.stop();
  });

  const args = (cmd: string, ...extra: string[]) => [
    cmd,
    dir,
    '--format',
    'json',
    '--quota-scale',
    '100',
    '--state-dir',
    stateDir,
    ...extra,
  ];
  const configure = (d: Partial<Desired>) => writeDesired(dir, endpoint, { ...none, ...d }, { prune: true });
  const apply = () => runCli(args('apply', '--auto-approve', '--force'), { cwd: dir });
  const plan = async () => {
    const p = await runCli(args('plan'), { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    return planOf(p) as ReturnType<typeof planOf> & { notes: string[] };
  };
  const rules = () => Object.values(sandbox.world.connect.instances[INSTANCE].rules);
  const journal = () => {
    const files = readdirSync(join(stateDir, 'pending'));
    expect(files).toHaveLength(1);
    return JSON.parse(readFileSync(join(stateDir, 'pending', files[0]), 'utf8')) as {
      replaces: Record<string, { oldId: string; oldBody: Record<string, any> }>;
    };
  };

  /** An apply the proxy kills at the first call `decide` picks; returns that call. */
  const killedApply = (decide: (r: ProxyRequest) => Verdict) =>
    killedRun(proxy, args('apply', '--auto-approve', '--force'), dir, decide);

  /** flip-rule exists (managed) on post-call analysis; the config now wants it on chat analysis: a replace. */
  async function killMidReplace(): Promise<{ oldId: string; oldFunction: string }> {
    await setup();
    configure({ rules: [ruleBody('flip-rule'), ruleBody('steady-rule')] });
    const first = await apply();
    expect(first.code, first.stderr).toBe(0);
    const old = rules().find((r) => r.Name === 'flip-rule')!;

    configure({ rules: [ruleBody('flip-rule', { source: CHAT }), ruleBody('steady-rule')] });
    const at = await killedApply((r) => (r.api === 'connect:DeleteRule' ? 'killAfter' : 'forward'));
    expect(at.path).toContain(old.RuleId);
    expect(rules().map((r) => r.Name)).toEqual(['steady-rule']); // deleted, not created again

    // The old body survived the process: in the journal, under --state-dir.
    const entry = journal().replaces['rule\u0000flip-rule'];
    expect(entry.oldId).toBe(old.RuleId);
    expect(entry.oldBody).toMatchObject({
      Name: 'flip-rule',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
      Function: JSON.parse(old.Function as string),
    });
    return { oldId: old.RuleId, oldFunction: old.Function as string };
  }

  it('the next apply creates the rule as declared; the plan after it is empty', async () => {
    await killMidReplace();
    // The state directory from the environment finds the same journal.
    const p = planOf(
      await runCli(['plan', dir, '--format', 'json', '--quota-scale', '100'], {
        cwd: dir,
        env: { CONNECTFORM_STATE_DIR: stateDir },
      }),
    );
    expect(p.changes.map((c) => [c.name, c.action, c.reason])).toEqual([
      [
        'flip-rule',
        'create',
        'recovering an interrupted replace of Connect rule "flip-rule"; previous body kept in the journal',
      ],
    ]);

    const r = await apply();
    expect(r.code, r.stderr).toBe(0);
    expect((await plan()).changes).toEqual([]);
    const view = liveView(sandbox.world);
    expect(view.ruleSources['flip-rule']).toBe(CHAT);
    expect(view.rules.find((x) => x.name === 'flip-rule')?.managed).toBe(true);
    expect(journal().replaces).toEqual({}); // converged: the old body is no longer needed
    // Everything a run leaves for the next is under --state-dir: the snapshot cache too, nothing in the working directory.
    expect(readdirSync(join(stateDir, 'cache'))).toHaveLength(1);
    expect(existsSync(join(dir, '.connectform'))).toBe(false);
  });

  it('if the recovering create fails, the old rule is created again and apply exits 1 (not converged)', async () => {
    const old = await killMidReplace();
    // The new body is refused (a permission the apply role lacks); the old one may be created.
    proxy.arm(undefined, (r) =>
      r.api === 'connect:CreateRule' && JSON.parse(r.body).TriggerEventSource?.EventSourceName === CHAT
        ? 'deny'
        : 'forward',
    );
    const r = await apply();
    proxy.disarm();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/not converged: 1 replace\(s\) restored the previous resource/);
    const report = JSON.parse(r.stdout).reports[0];
    expect(report.results).toEqual([
      expect.objectContaining({ name: 'flip-rule', action: 'create', status: 'restored' }),
    ]);

    const back = rules().find((x) => x.Name === 'flip-rule')!;
    expect(back.RuleId).not.toBe(old.oldId);
    expect((back.TriggerEventSource as { EventSourceName: string }).EventSourceName).toBe(
      'OnPostCallAnalysisAvailable',
    );
    // Created again from the journal's document: the same Function, as compact JSON of its own.
    expect(JSON.parse(back.Function as string)).toEqual(JSON.parse(old.oldFunction));
    expect(liveView(sandbox.world).rules.find((x) => x.name === 'flip-rule')?.managed).toBe(true);
    expect(journal().replaces).toEqual({}); // the old body is live again
    // Not converged: the replace is still wanted.
    expect((await plan()).changes.map((c) => [c.name, c.action])).toEqual([['flip-rule', 'replace']]);
  });
});

describe('a journaled create never adopts what someone else made', () => {
  let sandbox: SandboxHandle;
  let proxy: KillProxy;
  let endpoint: string;
  let dir: string;
  let clockAhead = 0;

  afterEach(async () => {
    clockAhead = 0;
    await proxy?.stop();
    await sandbox?.stop();
  });

  async function setup(): Promise<void> {
    sandbox = await startSandbox({
      seed: structuredClone(DEFAULT_SEED),
      quotas: false,
      randomSeed: 9,
      clock: () => Date.now() + clockAhead,
    });
    proxy = new KillProxy(sandbox.endpoint);
    endpoint = await proxy.start();
    dir = tempDir('faults-adopt-');
  }
  const args = (cmd: string, ...extra: string[]) => [cmd, dir, '--format', 'json', '--quota-scale', '100', ...extra];
  const configure = (d: Partial<Desired>) => writeDesired(dir, endpoint, { ...none, ...d }, { prune: true });
  const templates = () => Object.values(sandbox.world.connect.instances[INSTANCE].taskTemplates);

  /** What a person does in the console: the SDK straight at the sandbox, no connectform. */
  async function makeByHand(name: string): Promise<string> {
    const connect = new ConnectClient({
      endpoint: sandbox.endpoint,
      region: 'us-east-2',
      credentials: { accessKeyId: 'console', secretAccessKey: 'console' },
      maxAttempts: 1,
    });
    try {
      const out = await connect.send(
        new CreateTaskTemplateCommand({
          InstanceId: INSTANCE,
          Name: name,
          ContactFlowId: ESCALATION_FLOW_ID,
          Fields: [{ Id: { Name: 'Title' }, Type: 'NAME' }],
          // The service requires Constraints, the NAME field among RequiredFields (CreateTaskTemplate's doc).
          Constraints: { RequiredFields: [{ Id: { Name: 'Title' } }] },
        }),
      );
      return out.Id!;
    } finally {
      connect.destroy();
    }
  }

  async function killed(decide: (r: ProxyRequest) => Verdict): Promise<void> {
    const { child, done } = spawnCli(args('apply', '--auto-approve', '--force'), dir);
    proxy.arm(child, decide);
    const result = await done;
    expect(proxy.killedAt, result.stderr).toBeDefined();
    proxy.disarm();
  }

  /** Declared and live but unmarked: not adopted, said why, and dropped from the config it is not pruned. */
  async function expectNotAdopted(why: RegExp): Promise<void> {
    const p = await runCli(args('plan'), { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    const plan = (JSON.parse(p.stdout) as { plans: { changes: { mark?: boolean }[]; notes: string[] }[] }).plans[0];
    expect(plan.changes.filter((c) => c.mark)).toEqual([]);
    expect(plan.notes).toEqual(expect.arrayContaining([expect.stringMatching(why)]));
    configure({});
    const pruned = await runCli(args('apply', '--auto-approve', '--force'), { cwd: dir });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(templates().map((t) => t.Name)).toEqual(['Intake']);
    expect(templates()[0].Tags['connectform:managed']).toBeUndefined();
  }

  it('killed before its create was sent: a template made by hand an hour later is not marked, nor pruned', async () => {
    await setup();
    configure({ taskTemplates: [templateBody('Intake')] });
    await killed((r) => (r.api === 'connect:CreateTaskTemplate' ? 'killBefore' : 'forward'));
    expect(templates()).toEqual([]);
    clockAhead = 3600_000;
    await makeByHand('Intake');
    await expectNotAdopted(
      /task template "Intake" is not marked as managed, so prune will never delete it: created at .*someone else made it/,
    );
  });

  it('killed after its create returned: a same-named template made by hand at once is told apart by its id', async () => {
    await setup();
    configure({ taskTemplates: [templateBody('Intake')] });
    await killed((r) => (r.api === 'connect:TagResource' ? 'killBefore' : 'forward'));
    const ours = templates()[0].Id;
    // Someone deletes the half-made one and makes their own, within the same minute.
    const connect = new ConnectClient({
      endpoint: sandbox.endpoint,
      region: 'us-east-2',
      credentials: { accessKeyId: 'console', secretAccessKey: 'console' },
      maxAttempts: 1,
    });
    await connect.send(new DeleteTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId: ours }));
    connect.destroy();
    const theirs = await makeByHand('Intake');
    await expectNotAdopted(new RegExp(`returned id ${ours}, this one is ${theirs}`));
  });
});
