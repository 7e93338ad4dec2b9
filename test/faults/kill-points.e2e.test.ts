/**
 * SIGKILL at chosen points of an apply: a proxy in front of the sandbox recognises each call
 * (the sandbox's own router) and kills the CLI right before a given call reaches the server, or
 * right after the server acted on it but before the CLI reads the answer. The random kills of
 * sigkill-a/-b.e2e.test.ts land in these windows only by chance; here each one is hit every time.
 * Only the killed apply is a process; the applies and plans around it run in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import {
  KillProxy,
  ONCALL,
  OPS,
  actionBody,
  duplicatesIn,
  liveView,
  ruleBody,
  templateBody,
  writeDesired,
  type Desired,
  type ProxyRequest,
  type Verdict,
} from './helpers.js';
import { killedRun } from './spawn-cli.js';

const none: Desired = { rules: [], taskTemplates: [], customActions: [] };

describe('SIGKILL at a chosen call, then re-run', () => {
  let sandbox: SandboxHandle;
  let proxy: KillProxy;
  let endpoint: string;
  let dir: string;

  async function setup(seed = structuredClone(DEFAULT_SEED)): Promise<void> {
    sandbox = await startSandbox({ seed, quotas: false, randomSeed: 11 });
    proxy = new KillProxy(sandbox.endpoint);
    endpoint = await proxy.start();
    dir = tempDir('faults-killpoint-');
  }
  afterEach(async () => {
    await proxy?.stop();
    await sandbox?.stop();
  });

  const args = (cmd: string, ...extra: string[]) => [cmd, dir, '--format', 'json', '--quota-scale', '100', ...extra];
  const configure = (d: Partial<Desired>, settings: object = { prune: true }) =>
    writeDesired(dir, endpoint, { ...none, ...d }, settings);

  async function apply(): Promise<void> {
    const r = await runCli(args('apply', '--auto-approve', '--force'), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }

  /** An apply the proxy kills at the first call `decide` picks; returns that call. */
  const killedApply = (decide: (r: ProxyRequest) => Verdict) =>
    killedRun(proxy, args('apply', '--auto-approve', '--force'), dir, decide);

  async function expectConverged(): Promise<void> {
    await apply();
    const p = await runCli(args('plan'), { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    expect(planOf(p).changes, JSON.stringify(planOf(p).changes)).toEqual([]);
    expect(duplicatesIn(liveView(sandbox.world))).toEqual([]);
  }

  it('a replace cut between its delete and its create: the re-run creates the rule as declared', async () => {
    const seed = structuredClone(DEFAULT_SEED);
    const handMade = ruleBody('hand-made', { source: 'OnContactEvaluationSubmit' });
    // Sandbox state holds what DescribeRule returns: the Function as a string.
    seed.connect.instances[0].rules = [{ ...handMade, Function: JSON.stringify(handMade.Function) }];
    await setup(seed);
    configure({ rules: [ruleBody('flip-rule'), ruleBody('steady-rule')] });
    await apply();

    configure({
      rules: [
        ruleBody('flip-rule', { source: 'OnPostChatAnalysisAvailable' }),
        ruleBody('steady-rule', { threshold: 4 }),
      ],
    });
    const at = await killedApply((r) => (r.api === 'connect:CreateRule' ? 'killBefore' : 'forward'));
    expect(JSON.parse(at.body).Name).toBe('flip-rule');
    // Mid-replace: the old rule is gone, the new one not there yet.
    expect(liveView(sandbox.world).rules.map((r) => r.name)).not.toContain('flip-rule');

    await expectConverged();
    const view = liveView(sandbox.world);
    expect(view.ruleSources['flip-rule']).toBe('OnPostChatAnalysisAvailable');
    expect(view.rules.find((r) => r.name === 'flip-rule')?.managed).toBe(true);
    expect(view.rules.find((r) => r.name === 'hand-made')?.managed).toBe(false); // unmanaged, untouched
  });

  it('creates acted on by the server but never answered: the re-run creates nothing twice', async () => {
    await setup();
    configure({
      rules: [ruleBody('answered-late-1'), ruleBody('answered-late-2')],
      taskTemplates: [templateBody('Answered late')],
      customActions: [actionBody('answered-late')],
    });
    const at = await killedApply((r) => (r.api.endsWith(':CreateRule') ? 'killAfter' : 'forward'));
    expect(at.api).toBe('connect:CreateRule');
    await expectConverged();
    const view = liveView(sandbox.world);
    expect(view.rules.map((r) => r.name).sort()).toEqual(['answered-late-1', 'answered-late-2']);
  });

  it('a custom action cut between its create and its associations: the re-run links it', async () => {
    await setup();
    configure({ customActions: [actionBody('half-linked', { channels: [OPS, ONCALL] })] });
    await killedApply((r) => (r.api === 'chatbot:AssociateToConfiguration' ? 'killBefore' : 'forward'));
    expect(liveView(sandbox.world).customActions.map((a) => a.name)).toEqual(['half-linked']);
    await expectConverged();
    const arn = 'arn:aws:chatbot::123456789012:custom-action/half-linked';
    const view = liveView(sandbox.world);
    expect(view.associations[OPS]).toEqual([arn]);
    expect(view.associations[ONCALL]).toEqual([arn]);
  });

  it('a prune delete cut after the disassociations: the re-run deletes it, and nothing unmanaged goes', async () => {
    const seed = structuredClone(DEFAULT_SEED);
    seed.chatbot.customActions = [
      { ActionName: 'hand-made-action', AliasName: 'handmade', Definition: { CommandText: 'sts get-caller-identity' } },
    ];
    seed.chatbot.associations = [{ customAction: 'hand-made-action', chatConfiguration: OPS }];
    await setup(seed);
    configure({
      customActions: [
        actionBody('doomed', { channels: [OPS, ONCALL] }),
        actionBody('kept', { channels: [OPS, ONCALL] }),
      ],
    });
    await apply();

    configure({ customActions: [actionBody('kept', { channels: [OPS, ONCALL] })] });
    await killedApply((r) => (r.api === 'chatbot:DeleteCustomAction' ? 'killBefore' : 'forward'));
    expect(liveView(sandbox.world).customActions.map((a) => a.name)).toContain('doomed');
    await expectConverged();
    const view = liveView(sandbox.world);
    expect(view.customActions.map((a) => a.name).sort()).toEqual(['hand-made-action', 'kept']);
    expect(view.associations[OPS].sort()).toEqual([
      'arn:aws:chatbot::123456789012:custom-action/hand-made-action',
      'arn:aws:chatbot::123456789012:custom-action/kept',
    ]);
  });

  /**
   * Regression (same root as the next test): CreateTaskTemplate carries no tags, so the marker
   * follows in a TagResource call. When that call was refused (say the IAM policy lacks
   * connect:TagResource), the apply failed but the template stayed, unmarked; once the
   * permission was fixed, the re-run found it declared and unchanged, never marked it, and prune
   * never deleted it. Now the refused tag call undoes the create; this proves the re-run ends
   * with one template, carrying the marker.
   */
  it('a task template whose TagResource was refused ends up managed once the permission is back', async () => {
    await setup();
    configure({ taskTemplates: [templateBody('Denied tags')] });
    proxy.arm(undefined, (r) => (r.api === 'connect:TagResource' ? 'deny' : 'forward'));
    const denied = await runCli(args('apply', '--auto-approve', '--force'), { cwd: dir });
    proxy.disarm();
    expect(denied.code, denied.stderr).toBe(1);
    expect(denied.stdout).toMatch(/AccessDeniedException/); // the apply report names it

    await expectConverged();
    const made = liveView(sandbox.world).taskTemplates;
    expect(made.map((t) => t.name)).toEqual(['Denied tags']);
    expect(
      made.filter((t) => !t.managed).map((t) => t.name),
      'created by connectform but left without its marker',
    ).toEqual([]);
  });

  /**
   * Regression: a kill between CreateTaskTemplate and its TagResource left the template without
   * the marker, and nothing ever added it (the re-run's plan was empty: the body matched), so
   * prune never deleted it. Now apply journals each create until its marker is on
   * (`.connectform/pending/`) and the next plan finishes it. This proves the re-run marks both
   * templates, and that prune then deletes them once dropped from the config.
   */
  it('a task template cut between its create and its TagResource still ends up managed (prunable)', async () => {
    await setup();
    // User tags too: the marker must be added without losing them (or they it).
    configure({ taskTemplates: [templateBody('Half made', { tags: { queue: 'billing' } }), templateBody('Other')] });
    const at = await killedApply((r) => (r.api === 'connect:TagResource' ? 'killBefore' : 'forward'));
    expect(at.api).toBe('connect:TagResource');

    await expectConverged();
    const made = liveView(sandbox.world).taskTemplates;
    expect(made.map((t) => t.name).sort()).toEqual(['Half made', 'Other']);
    expect(
      made.filter((t) => !t.managed).map((t) => t.name),
      'created by connectform but left without its marker',
    ).toEqual([]);
    const inst = Object.values(sandbox.world.connect.instances)[0];
    expect(Object.values(inst.taskTemplates).find((t) => t.Name === 'Half made')?.Tags.queue).toBe('billing');

    // Managed means prunable: dropped from the config with pruning on, both are deleted.
    configure({ taskTemplates: [] });
    const p = await runCli(args('plan'), { cwd: dir });
    expect(p.code, p.stderr).toBe(0);
    expect(
      planOf(p)
        .changes.map((c) => [c.name, c.action])
        .sort(),
    ).toEqual([
      ['Half made', 'delete'],
      ['Other', 'delete'],
    ]);
  });
});
