/**
 * connectform under AWS's eventual consistency, through the CLI (in this process) against a
 * sandbox with a consistency delay: "changes to Amazon Connect resources might not be immediately
 * visible to the subsequent commands you run … You might get unexpected errors, such as a
 * ResourceNotFoundException" (https://docs.aws.amazon.com/connect/latest/APIReference/eventual-consistency.html).
 *   - its own just-created resource's not-found is waited out, for a bounded time (aws/lag.ts);
 *   - a create is never undone because of lag: when the lag outlasts the bound, the create stays
 *     journaled and the next apply finishes it;
 *   - a replace waits for the name its delete freed; a name someone else took still fails, once
 *     the bound has passed, in one line naming the API.
 * The sandbox and the client's lag waits share one FastForwardClock: nothing here sleeps.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CreateRuleCommand, type CreateRuleCommandInput } from '@aws-sdk/client-connect';
import { LAG_BOUNDS, isNameTaken, useLagClock, waitOutLag } from '../../src/aws/lag.js';
import { MARKER_TAG_KEY } from '../../src/kinds/common.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { INSTANCE, postCallRule, planOf, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { FastForwardClock } from '../sandbox/clock.js';
import { clients } from '../sandbox/helpers.js';
import { taskTemplateFixture } from '../battery/fixtures/task-template.js';
import { customActionFixture, OPS_CHANNEL } from '../battery/fixtures/custom-action.js';
import { exampleFunction, exampleFunctionJson } from '../helpers/rule-function.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A sandbox `delayMs` eventually consistent, a config dir, and the CLI, all on one clock. */
async function lagged(delayMs: number) {
  const clock = new FastForwardClock();
  cleanups.push(useLagClock(clock));
  const sandbox: SandboxHandle = await startSandbox({ quotas: false, consistencyDelayMs: delayMs, clock: clock.now });
  cleanups.push(() => sandbox.stop());
  const dir = tempDir('lag-');
  const declare = (resources: Record<string, unknown[]>) =>
    writeConfig(dir, { test: { endpoint: sandbox.endpoint } }, { prune: true }, resources);
  // Client quotas scaled up: lag retries are paced like any call, and wall time is not under test.
  const cli = (...args: string[]) =>
    runCliInProcess([args[0], dir, ...args.slice(1), '--quota-scale', '50'], { cwd: dir });
  const calls = (api: string) => sandbox.stats().operations[api] ?? { calls: 0, errors: 0 };
  return { clock, sandbox, dir, declare, cli, calls };
}

const template = () => structuredClone(taskTemplateFixture.base[0]);

/** The creates apply's journal still holds (engine/pending.ts), as `kind name`. */
function journaled(dir: string): string[] {
  const at = join(dir, '.connectform', 'pending');
  if (!existsSync(at)) return [];
  const creates = (f: string) =>
    (JSON.parse(readFileSync(join(at, f), 'utf8')) as { creates: Record<string, unknown> }).creates;
  return readdirSync(at).flatMap((f) => Object.keys(creates(f)).map((k) => k.replace('\u0000', ' ')));
}
const templates = (s: SandboxHandle) => Object.values(s.world.connect.instances[INSTANCE].taskTemplates);

describe('waitOutLag', () => {
  it('waits 250 ms, doubling up to 5 s, while the failure is lag, and gives up before the bound', async () => {
    const clock = new FastForwardClock();
    let tries = 0;
    const lag = Object.assign(new Error('not yet'), { name: 'ResourceNotFoundException' });
    const err = await waitOutLag(
      clock,
      20_000,
      () => true,
      async () => {
        tries++;
        throw lag;
      },
    ).catch((e: unknown) => e as Error & { waitedMs: number; cause: unknown });
    expect(clock.waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(tries).toBe(8);
    expect(err.name).toBe('EventualConsistency');
    expect(err.cause).toBe(lag);
    expect(err.message).toMatch(/not yet \(still so after waiting 18s for AWS's eventual consistency\)/);
  });

  it('throws any other failure at once, and returns what the first good attempt returns', async () => {
    const clock = new FastForwardClock();
    const other = new Error('refused');
    await expect(
      waitOutLag(
        clock,
        60_000,
        (e) => e !== other,
        async () => Promise.reject(other),
      ),
    ).rejects.toBe(other);
    let n = 0;
    await expect(
      waitOutLag(
        clock,
        60_000,
        () => true,
        async () => (++n < 3 ? Promise.reject(new Error('lag')) : 'ok'),
      ),
    ).resolves.toBe('ok');
    expect(clock.waits).toEqual([250, 500]);
  });

  it('knows each service\'s "name taken" answer', () => {
    expect(isNameTaken({ name: 'ResourceConflictException' })).toBe(true); // connect:CreateRule
    expect(isNameTaken({ name: 'ConflictException' })).toBe(true); // chatbot:CreateCustomAction
    // connect:CreateTaskTemplate: PropertyValidationException, reason RESOURCE_NAME_ALREADY_EXISTS
    expect(
      isNameTaken({ name: 'PropertyValidationException', PropertyList: [{ Reason: 'RESOURCE_NAME_ALREADY_EXISTS' }] }),
    ).toBe(true);
    expect(
      isNameTaken({ name: 'PropertyValidationException', PropertyList: [{ Reason: 'REFERENCED_RESOURCE_NOT_FOUND' }] }),
    ).toBe(false);
  });
});

describe('a task template under a 1,500 ms delay', () => {
  it('is tagged once TagResource can see it; the create is kept, and the second plan is empty', async () => {
    const t = await lagged(1500);
    t.declare({ taskTemplates: [template()] });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(t.calls('connect:TagResource').errors).toBeGreaterThan(0); // the lag was met…
    expect(t.calls('connect:DeleteTaskTemplate').calls).toBe(0); // …and never answered by an undo
    const [made] = templates(t.sandbox);
    expect(made.Tags).toMatchObject({ [MARKER_TAG_KEY]: 'true', team: 'billing' });
    t.clock.advance(1500);
    const again = planOf(await t.cli('plan', '--format', 'json'));
    expect(again.changes).toEqual([]);
  });

  it('lag past the bound: the create stays (not undone), the error says so in one line, the next apply tags it', async () => {
    const delay = LAG_BOUNDS.visibleWithinMs + 30_000;
    const t = await lagged(delay);
    t.declare({ taskTemplates: [template()] });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /connect:TagResource failed for task template "Billing dispute follow-up" \(created as [\w-]+, not tagged yet; the next apply tags it\): ResourceNotFoundException.*still so after waiting \d+s/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(t.calls('connect:DeleteTaskTemplate').calls).toBe(0);
    expect(templates(t.sandbox)).toHaveLength(1);
    expect(templates(t.sandbox)[0].Tags).toEqual({});
    expect(journaled(t.dir)).toEqual(['taskTemplate Billing dispute follow-up']);

    t.clock.advance(delay);
    // The journal kept the create: the plan finishes it (marker and tags), no second template.
    const p = planOf(await t.cli('plan', '--format', 'json'));
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([['Billing dispute follow-up', 'update']]);
    const fix = await t.cli('apply', '--auto-approve');
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(templates(t.sandbox)).toHaveLength(1);
    expect(templates(t.sandbox)[0].Tags).toMatchObject({ [MARKER_TAG_KEY]: 'true', team: 'billing' });
    expect(journaled(t.dir)).toEqual([]);
    t.clock.advance(delay);
    expect(planOf(await t.cli('plan', '--format', 'json')).changes).toEqual([]);
  });
});

describe('a custom action under a 1,500 ms delay', () => {
  it('is linked to its chat configurations once AssociateToConfiguration can see it', async () => {
    const t = await lagged(1500);
    t.declare({ customActions: [customActionFixture.base[0]] });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // AssociateToConfiguration declares no not-found: an action it cannot see yet is its
    // InvalidRequestException, waited out like one.
    expect(t.calls('chatbot:AssociateToConfiguration').errors).toBeGreaterThan(0);
    expect(t.sandbox.world.chatbot.chatConfigurations[OPS_CHANNEL].associations).toHaveLength(1);
    t.clock.advance(1500);
    expect(planOf(await t.cli('plan', '--format', 'json')).changes).toEqual([]);
  });
});

describe('a custom action whose links outlast the bound', () => {
  it('stays (its marker went with the create), the journal forgets it, and the next apply links it', async () => {
    const delay = LAG_BOUNDS.visibleWithinMs + 30_000;
    const t = await lagged(delay);
    t.declare({ customActions: [customActionFixture.base[1]] });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /chatbot:AssociateToConfiguration failed for custom action .*InvalidRequestException.*still so after waiting \d+s for AWS's eventual consistency/,
    );
    expect(Object.keys(t.sandbox.world.chatbot.customActions)).toHaveLength(1);
    // A later prune and re-declare must create anew, not replay this create's token.
    expect(journaled(t.dir)).toEqual([]);
    t.clock.advance(delay);
    const p = planOf(await t.cli('plan', '--format', 'json'));
    expect(p.changes.map((c) => [c.name, c.action, c.fields.map((f) => f.path)])).toEqual([
      ['connect-queue-backlog', 'update', ['ChatConfigurations']],
    ]);
    expect((await t.cli('apply', '--auto-approve')).code).toBe(0);
    expect(t.sandbox.world.chatbot.chatConfigurations[OPS_CHANNEL].associations).toHaveLength(1);
    t.clock.advance(delay);
    expect(planOf(await t.cli('plan', '--format', 'json')).changes).toEqual([]);
  });
});

/** Someone else's rule's Function, as the API takes it (a string of JSON). */
const THEIRS = exampleFunctionJson('OnPostCallAnalysisAvailable', 100);

describe('a replace under a 1,500 ms delay', () => {
  const replaced = () =>
    postCallRule('backlog', 1, {
      TriggerEventSource: { EventSourceName: 'OnRealTimeCallAnalysisAvailable' },
      Function: exampleFunction('OnRealTimeCallAnalysisAvailable'),
    });

  it('waits for the name its delete freed, then creates: one rule, the new trigger', async () => {
    const t = await lagged(1500);
    t.declare({ rules: [postCallRule('backlog')] });
    expect((await t.cli('apply', '--auto-approve')).code).toBe(0);
    t.clock.advance(1500);
    t.declare({ rules: [replaced()] });
    const waitsBefore = t.clock.waits.length;
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(t.clock.waits.length).toBeGreaterThan(waitsBefore);
    expect(t.calls('connect:CreateRule').errors).toBeGreaterThan(0); // the freed name read as taken a while
    const rules = Object.values(t.sandbox.world.connect.instances[INSTANCE].rules);
    expect(rules.map((x) => [x.Name, x.TriggerEventSource.EventSourceName])).toEqual([
      ['backlog', 'OnRealTimeCallAnalysisAvailable'],
    ]);
    t.clock.advance(1500);
    expect(planOf(await t.cli('plan', '--format', 'json')).changes).toEqual([]);
  });

  it('a name someone else takes in between still fails after the bound, in one line, and nothing is undone silently', async () => {
    const t = await lagged(1500);
    t.declare({ rules: [postCallRule('backlog')] });
    expect((await t.cli('apply', '--auto-approve')).code).toBe(0);
    t.clock.advance(1500);
    t.declare({ rules: [replaced()] });
    // Someone else creates "backlog" while connectform waits for the name it freed.
    const { connect } = clients(t.sandbox.endpoint);
    const sleep = t.clock.sleep;
    let taken = false;
    Object.assign(t.clock, {
      sleep: async (ms: number) => {
        if (!taken) {
          taken = true;
          t.clock.advance(1500); // our old rule is gone for everyone; they take the name
          await connect.send(
            new CreateRuleCommand({
              ...postCallRule('backlog', 100),
              Function: THEIRS,
              InstanceId: INSTANCE,
            } as CreateRuleCommandInput),
          );
        }
        return sleep(ms);
      },
    });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(
      /ResourceConflictException: A rule with the name backlog already exists.*still so after waiting \d+s for AWS's eventual consistency/,
    );
    expect(out).toMatch(/restoring the previous Connect rule failed too/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Waited the whole bound, not forever.
    const waited = t.clock.waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(LAG_BOUNDS.nameFreeWithinMs - LAG_BOUNDS.maxWaitMs);
    expect(waited).toBeLessThanOrEqual(2 * LAG_BOUNDS.nameFreeWithinMs); // the create's wait and the restore's
    const rules = Object.values(t.sandbox.world.connect.instances[INSTANCE].rules);
    expect(rules.map((x) => x.Function)).toEqual([THEIRS]);
    // Nothing was created: the journal keeps no token to replay.
    expect(journaled(t.dir)).toEqual([]);
  });

  it('a plain create of a name someone else just took fails at once (no lag wait)', async () => {
    const t = await lagged(1500);
    const { connect } = clients(t.sandbox.endpoint);
    // Someone else's rule, too new for the plan's read to see: the plan says create.
    await connect.send(
      new CreateRuleCommand({
        ...postCallRule('theirs', 100),
        Function: THEIRS,
        InstanceId: INSTANCE,
      } as CreateRuleCommandInput),
    );
    t.declare({ rules: [postCallRule('theirs')] });
    const r = await t.cli('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /connect:CreateRule failed for rule "theirs": ResourceConflictException: A rule with the name theirs already exists/,
    );
    expect(t.clock.waits).toEqual([]);
    const rules = Object.values(t.sandbox.world.connect.instances[INSTANCE].rules);
    expect(rules.map((x) => x.Function)).toEqual([THEIRS]);
  });
});
