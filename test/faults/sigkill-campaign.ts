/**
 * SIGKILL the CLI at random points of an apply, and re-run each to completion: a campaign of
 * kills from one PRNG seed. Two test files run a campaign each (sigkill-a/-b.e2e.test.ts, 6 kills
 * apiece, FAULTS_ITERATIONS per file for a deep run), side by side in two workers.
 *
 * The sandbox lives in this process (its state persisted with statePath, and restarted from the
 * file once half-way), so it outlives every kill. Kill points are counted in API calls, not in
 * milliseconds, so they land where they are meant to however loaded the machine is: a quarter
 * (seeded PRNG) after the k-th call of the start-up and reads (k = 0: before the first call),
 * the rest after the w-th write call, w spread over the writes the apply has to make. The
 * sandbox's latency (20-60 ms per call) holds the CLI inside each call long enough for the kill
 * to land there. Each iteration moves the config to a new variant: creates, updates (tags too),
 * replaces (a rule's TriggerEventSource flips) and prune deletes, so kills land mid-create,
 * mid-replace (between its delete and its create), mid-tag-update and mid-delete. After each
 * re-run:
 *   - the re-run exits 0 and `plan` is empty (converged);
 *   - no name is held twice, no link is made twice (no duplicates);
 *   - whatever disappeared was a managed resource the config dropped, or a rule it replaces
 *     (nothing deleted that the config did not ask to delete); the unmanaged resources seeded
 *     into the world (no marker tag) are all still there, unchanged.
 * Only the killed apply is a process (the kill is the point); the re-run and the plans run
 * in-process against the same config directory, cache and journal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';
import { DEFAULT_SEED, DEFAULT_INSTANCE_ID } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as runCli, tempDir } from '../helpers/cli.js';
import {
  ONCALL,
  OPS,
  actionBody,
  duplicatesIn,
  liveView,
  prng,
  ruleBody,
  until,
  templateBody,
  writeDesired,
  type Desired,
  type LiveView,
  type RuleSource,
} from './helpers.js';
import { spawnCli } from './spawn-cli.js';

/** Resources nobody told connectform about: created in the seed, without its marker tag. */
const UNMANAGED_SEED = {
  rules: [
    { ...ruleBody('legacy-escalation', { source: 'OnPostCallAnalysisAvailable' }), Tags: { owner: 'someone-else' } },
    ruleBody('legacy-backlog', { source: 'OnContactEvaluationSubmit' }),
  ],
  taskTemplates: [
    { ...templateBody('Legacy callback', { flow: 1 }), ContactFlowId: '2f8c6b1a-3d4e-4f5a-8b92-c3d4e5f6a7b8' },
  ],
  customActions: [
    {
      ActionName: 'legacy-restart',
      AliasName: 'restart',
      Definition: { CommandText: 'lambda invoke --function-name restart' },
      Tags: [{ TagKey: 'owner', TagValue: 'ops-team' }],
    },
  ],
};

function seed() {
  const s = structuredClone(DEFAULT_SEED);
  const inst = s.connect.instances[0];
  // Seed bodies are API requests: flow references as ids, Actions' flow by id.
  inst.rules = UNMANAGED_SEED.rules.map((r) => {
    const b = structuredClone(r) as Record<string, unknown>;
    for (const a of b.Actions as { TaskAction?: { ContactFlowId: unknown } }[])
      if (a.TaskAction) a.TaskAction.ContactFlowId = '0d6a4f9e-1b2c-4d3e-8f70-a1b2c3d4e5f6';
    b.Function = JSON.stringify(b.Function); // the API's form: a string of JSON
    return b;
  });
  inst.taskTemplates = structuredClone(UNMANAGED_SEED.taskTemplates);
  s.chatbot.customActions = structuredClone(UNMANAGED_SEED.customActions);
  s.chatbot.associations = [{ customAction: 'legacy-restart', chatConfiguration: OPS }];
  return s;
}

const LEGACY_ACTION_ARN = 'arn:aws:chatbot::123456789012:custom-action/legacy-restart';

const ANALYSIS: RuleSource[] = ['OnPostCallAnalysisAvailable', 'OnPostChatAnalysisAvailable'];

/** Iteration i's config: each resource present with p=0.8, its variant drawn from the PRNG. */
function variant(rnd: () => number, i: number): Desired {
  const present = () => i === 0 || rnd() < 0.8; // the first apply creates everything
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const d: Desired = { rules: [], taskTemplates: [], customActions: [] };
  for (let r = 0; r < 8; r++) {
    const source = r < 6 ? pick(ANALYSIS) : 'OnContactEvaluationSubmit';
    const threshold = 1 + Math.floor(rnd() * 4);
    // Tags vary too: a tag-only change once never converged (tag-only-change.test.ts); here a
    // kill may also land between a rule's UpdateRule and its TagResource.
    const tags: Record<string, string> | undefined =
      r % 3 === 0
        ? { team: pick(['care', 'sales']) }
        : r % 3 === 1
          ? pick<Record<string, string> | undefined>([undefined, { tier: 'gold' }])
          : undefined;
    if (present()) d.rules.push(ruleBody(`kill-rule-${r}`, { source, threshold, ...(tags ? { tags } : {}) }));
  }
  for (let t = 0; t < 5; t++) {
    const description = `Variant ${Math.floor(rnd() * 3)} of template ${t}`;
    const tags = t % 2 === 0 ? { queue: pick(['billing', 'support']) } : undefined;
    if (present())
      d.taskTemplates.push(templateBody(`Kill template ${t}`, { flow: t, description, ...(tags ? { tags } : {}) }));
  }
  for (let a = 0; a < 5; a++) {
    const version = 1 + Math.floor(rnd() * 3);
    const channels = pick([[OPS], [ONCALL], [OPS, ONCALL]]);
    if (present()) d.customActions.push(actionBody(`kill-action-${a}`, { version, channels }));
  }
  // Keep one action on each channel, so the read always probes both (associations with a
  // channel no declared action names are not read, by design).
  d.customActions.push(actionBody('kill-action-anchor', { channels: [OPS, ONCALL] }));
  return d;
}

type Kind = 'rules' | 'taskTemplates' | 'customActions';
const KINDS: Kind[] = ['rules', 'taskTemplates', 'customActions'];
const nameOf = (kind: Kind, b: Record<string, unknown>) => String(kind === 'customActions' ? b.ActionName : b.Name);

interface IterationLog {
  i: number;
  /** Where the kill was aimed: after this many calls of the reads, or this many write calls. */
  killAfter: { reads: number } | { writes: number };
  killed: boolean;
  writesBeforeKill: number;
  /** Rule replaces left between their delete and their create by the kill. */
  midReplace: number;
  rerunWrites: number;
  leaked: string[];
}

/** One campaign: `ITERATIONS` kills drawn from `SEED` (the sandbox restarted from its file half-way). */
export function killCampaign(SEED: number, ITERATIONS: number): void {
  describe(`SIGKILL at random points of an apply, then re-run (seed ${SEED})`, () => {
    let sandbox: SandboxHandle;
    let dir: string;
    let options: SandboxOptions;
    const log: IterationLog[] = [];

    beforeAll(async () => {
      dir = tempDir('faults-sigkill-');
      options = {
        seed: seed(),
        statePath: join(dir, 'sandbox-state.json'),
        quotas: false,
        latencyMs: [20, 60],
        randomSeed: SEED,
      };
      sandbox = await startSandbox(options);
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    const args = (cmd: string, ...extra: string[]) => [
      cmd,
      dir,
      '--format',
      'json',
      '--parallelism',
      '8',
      '--quota-scale',
      '100',
      ...extra,
    ];

    // The timeout only guards against a hang.
    it(`${ITERATIONS} kills, each re-run converges with no duplicates and no unasked deletes`, {
      timeout: 600_000,
    }, async () => {
      const rnd = prng(SEED);
      const seeded = liveView(sandbox.world);
      const seededUnmanaged = new Map(
        [...seeded.rules, ...seeded.taskTemplates, ...seeded.customActions].map((x) => [
          x.id,
          JSON.stringify(recordOf(sandbox, x.id)),
        ]),
      );
      expect(seededUnmanaged.size).toBe(4);

      for (let i = 0; i < ITERATIONS; i++) {
        if (i === Math.floor(ITERATIONS / 2)) {
          // The world survives a sandbox restart through its state file (ids, tokens and all).
          // A new randomSeed: the same one would hand out the first run's ids again and the
          // sandbox would overwrite live records with them (sandbox-restart.test.ts).
          await sandbox.stop();
          sandbox = await startSandbox({ ...options, randomSeed: SEED + 1 });
        }
        const desired = variant(rnd, i);
        writeDesired(dir, sandbox.endpoint, desired, { prune: true });
        const before = liveView(sandbox.world);

        // What the apply will do: how many calls its reads make, how many changes it has.
        sandbox.resetStats();
        const planned = await runCli(args('plan'), { cwd: dir });
        expect(planned.code, planned.stderr).toBe(0);
        const readCalls = sandbox.stats().calls;
        const changes = planOf(planned).changes.length;

        // The killed apply: a quarter of the kills land during start-up and the reads (after
        // call k, k = 0 before the first), the rest after write call w of the writes.
        const inReads = changes === 0 || rnd() < 0.25;
        const killAfter: IterationLog['killAfter'] = inReads
          ? { reads: Math.floor(rnd() * readCalls) }
          : { writes: 1 + Math.floor(rnd() * changes) };
        sandbox.resetStats();
        const { child, done } = spawnCli(args('apply', '--auto-approve', '--force', '--parallelism', '3'), dir);
        let exited = false;
        void done.then(() => (exited = true));
        const reached = () =>
          'reads' in killAfter
            ? sandbox.stats().calls >= killAfter.reads
            : sandbox.stats().writeCalls >= killAfter.writes;
        await until(() => exited || reached(), 120_000, `call ${JSON.stringify(killAfter)}`);
        if (!exited) child.kill('SIGKILL');
        const killedRun = await done;
        // Calls of the dead CLI still in the sandbox's latency sleep (at most 60 ms) finish first.
        await until(() => sandbox.stats().inFlight === 0, 10_000, "the dead CLI's calls to finish");
        const writesBeforeKill = sandbox.stats().writeCalls;
        const killed = killedRun.signal === 'SIGKILL';
        // Replaces the kill cut between their delete and their create (the rule is gone for now).
        const cut = liveView(sandbox.world);
        const midReplace = desired.rules
          .filter(
            (b) =>
              before.ruleSources[String(b.Name)] !== undefined &&
              before.ruleSources[String(b.Name)] !==
                (b.TriggerEventSource as { EventSourceName: string }).EventSourceName,
          )
          .filter((b) => !cut.rules.some((r) => r.name === b.Name)).length;
        if (!killed) expect(killedRun.code, killedRun.stderr).toBe(0);

        // The re-run, to completion.
        sandbox.resetStats();
        const rerun = await runCli(args('apply', '--auto-approve', '--force'), { cwd: dir });
        const rerunWrites = sandbox.stats().writeCalls;
        const ctx = `iteration ${i} (kill after ${JSON.stringify(killAfter)}, ${writesBeforeKill} writes before it)`;
        expect(rerun.code, `${ctx}: re-run failed\n${rerun.stderr}`).toBe(0);
        expect(rerun.stderr, ctx).not.toMatch(/\n\s+at /);

        const plan = await runCli(args('plan'), { cwd: dir });
        expect(plan.code, `${ctx}: ${plan.stderr}`).toBe(0);
        expect(planOf(plan).changes, `${ctx}: plan after the re-run is not empty`).toEqual([]);

        const after = liveView(sandbox.world);
        expect(duplicatesIn(after), `${ctx}: duplicates`).toEqual([]);
        checkDesired(after, desired, ctx);
        checkDeletes(before, after, desired, ctx);
        // The seeded unmanaged resources: same ids, same records.
        for (const [id, json] of seededUnmanaged) {
          expect(JSON.stringify(recordOf(sandbox, id)), `${ctx}: unmanaged ${id} was changed or deleted`).toBe(json);
        }
        expect(after.associations[OPS], `${ctx}: the unmanaged action lost its link`).toContain(LEGACY_ACTION_ARN);
        const leaked = [...after.rules, ...after.taskTemplates, ...after.customActions]
          .filter((x) => !x.managed && !seededUnmanaged.has(x.id))
          .map((x) => x.name);
        log.push({ i, killAfter, killed, writesBeforeKill, midReplace, rerunWrites, leaked });
      }

      // The kills really landed all over the apply: during the reads (no write yet), and between
      // writes (some done, the re-run finishing the rest).
      const midWrite = log.filter((l) => l.killed && l.writesBeforeKill > 0 && l.rerunWrites > 0).length;
      const beforeWrites = log.filter((l) => l.killed && l.writesBeforeKill === 0).length;
      expect(midWrite, JSON.stringify(log)).toBeGreaterThanOrEqual(Math.floor(ITERATIONS * 0.4));
      expect(beforeWrites, JSON.stringify(log)).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ITERATIONS * 0.1)));
      // Nothing connectform created is left without its marker (a task template cut between its
      // create and its TagResource is finished from the pending-creates journal; the exact cut is
      // in kill-points.e2e.test.ts).
      if (process.env.FAULTS_VERBOSE) console.log(log.map((l) => JSON.stringify(l)).join('\n'));
      expect(
        log.flatMap((l) => l.leaked.map((n) => `${l.i}:${n}`)),
        'created but never marked (not pruneable)',
      ).toEqual([]);
    });
  });
}

function recordOf(sandbox: SandboxHandle, id: string): unknown {
  const inst = sandbox.world.connect.instances[DEFAULT_INSTANCE_ID];
  return inst.rules[id] ?? inst.taskTemplates[id] ?? sandbox.world.chatbot.customActions[id];
}

/** Every declared resource is live (with the declared rule source); every managed one is declared. */
function checkDesired(after: LiveView, desired: Desired, ctx: string): void {
  for (const kind of KINDS) {
    const declared = desired[kind].map((b) => nameOf(kind, b)).sort();
    const live = after[kind];
    expect(
      declared.filter((n) => !live.some((x) => x.name === n)),
      `${ctx}: declared ${kind} missing`,
    ).toEqual([]);
    expect(
      live.filter((x) => x.managed && !declared.includes(x.name)).map((x) => x.name),
      `${ctx}: managed ${kind} not declared (prune missed them)`,
    ).toEqual([]);
  }
  for (const b of desired.rules) {
    expect(after.ruleSources[String(b.Name)], `${ctx}: rule ${String(b.Name)} source`).toBe(
      (b.TriggerEventSource as { EventSourceName: string }).EventSourceName,
    );
  }
}

/** What disappeared must be a managed resource the config dropped, or a rule it replaces. */
function checkDeletes(before: LiveView, after: LiveView, desired: Desired, ctx: string): void {
  for (const kind of KINDS) {
    const declared = new Map(desired[kind].map((b) => [nameOf(kind, b), b]));
    for (const gone of before[kind].filter((x) => !after[kind].some((y) => y.id === x.id))) {
      const body = declared.get(gone.name);
      const dropped = gone.managed && !body;
      const replaced =
        kind === 'rules' &&
        body !== undefined &&
        before.ruleSources[gone.name] !== (body.TriggerEventSource as { EventSourceName: string }).EventSourceName;
      expect(
        dropped || replaced,
        `${ctx}: ${kind} "${gone.name}" (${gone.managed ? 'managed' : 'unmanaged'}) was deleted, but the config did not ask for it`,
      ).toBe(true);
    }
  }
}
