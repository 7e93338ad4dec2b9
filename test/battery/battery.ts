/**
 * The shared end-to-end battery, written once and run for every resource kind (DNSControl's
 * "0 corrections on the second run"): through the CLI, against a world holding the kind's live
 * resources (the sandbox, or a test kind's own store).
 *   apply from empty → the second plan is empty; one-field change → one update naming the field;
 *   identity change → replace; reordering a set → no change; prune off/on; declare → prune →
 *   re-declare the same body → it exists again; broken config → positioned errors, exit 1, no
 *   API call. With `consistencyDelayMs` the whole battery runs against a sandbox whose new,
 *   changed and deleted resources show that much later, and each apply must still converge in
 *   one go (time passes between an apply and the plan after it, as it does between CI runs). Kinds declare what they can do (capabilities);
 *   the battery reads those instead of special-casing a kind, and finds the kind through the
 *   registry like the CLI does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ContactFlowDirectory } from '../../src/aws/contact-flows.js';
import { kindByName } from '../../src/kinds/index.js';
import type { Body, KindName, ResourceKind } from '../../src/kinds/types.js';
import { useLagClock } from '../../src/aws/lag.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { planOf, runCliInProcess as runCli, tempDir, writeConfig, type TargetSpec } from '../helpers/cli.js';
import { FastForwardClock } from '../sandbox/clock.js';

export interface BatteryFixture {
  kind: KindName;
  configKey: string;
  seed?: object;
  base: Body[];
  oneFieldChange(b: Body[]): { bodies: Body[]; name?: string; key?: string; expectPath: string };
  replaceChange:
    | ((b: Body[]) => {
        bodies: Body[];
        name?: string;
        key?: string;
        lifecycle?: { index: number; renamedFrom: string };
      })
    | null;
  reorderSet(b: Body[]): Body[];
  broken: { yaml: string; lines?: number[]; expectLines?: number[] };
  /**
   * Sandbox options the kind needs beyond the defaults. The battery runs with the sandbox's
   * defaults, Lex V1 retired included; the Lex kind opts in to `lexV1: 'available'` (its API as
   * it answered before its end of support) to be exercised at all.
   */
  sandboxOptions?: Pick<SandboxOptions, 'lexV1'>;
}

/** Where the target's resources live, and what the battery counts of the calls made to it. */
export interface BatteryWorld {
  /** The target's endpoint (loopback); none for a real account. */
  endpoint?: string;
  /** The rest of the target (a real account's region, instance and profile: test/live). */
  target?: Omit<TargetSpec, 'endpoint'>;
  /** `--quota-scale` for every run; default QUOTA_SCALE (a real account keeps its real quotas: '1'). */
  quotaScale?: string;
  /**
   * Since the last reset: every call, the writes, and the most in flight at once. A world that
   * cannot count (a real account) has none, and the battery skips the counting checks.
   */
  stats?(): { calls: number; writeCalls: number; maxInFlight: number };
  resetStats?(): void;
  stop(): Promise<void>;
}

const PARALLELISM = 3;
/** Sandbox and client quotas scaled alike: fast, but still paced and counted. */
const QUOTA_SCALE = '25';

/** Eventual consistency for the world: reads lag writes by `consistencyDelayMs` on `clock`. */
export interface WorldLag {
  consistencyDelayMs: number;
  clock: () => number;
}

/** The sandbox, seeded with the default world plus the fixture's seed. */
export async function sandboxWorld(dir: string, fx: BatteryFixture, lag?: WorldLag): Promise<SandboxHandle> {
  return startSandbox({
    seed: { ...structuredClone(DEFAULT_SEED), ...(fx.seed ?? {}) },
    quotas: { ratePerSecond: 2, burst: 5 },
    quotaScale: Number(QUOTA_SCALE),
    statePath: join(dir, 'sandbox-state.json'),
    ...fx.sandboxOptions,
    ...(lag ? { consistencyDelayMs: lag.consistencyDelayMs, clock: lag.clock } : {}),
  });
}

/** The target every config of the battery names. */
function targetOf(world: BatteryWorld): TargetSpec {
  return { ...world.target, ...(world.endpoint !== undefined ? { endpoint: world.endpoint } : {}) };
}

export interface BatteryOptions {
  /**
   * Run against a world this eventually consistent. Time is a FastForwardClock shared by the
   * world and connectform's lag waits, so the delay costs no wall time.
   */
  consistencyDelayMs?: number;
}

export function runBattery(
  fx: BatteryFixture,
  startWorld: (dir: string, fx: BatteryFixture, lag?: WorldLag) => Promise<BatteryWorld> = sandboxWorld,
  options: BatteryOptions = {},
): void {
  const delay = options.consistencyDelayMs ?? 0;
  describe(`battery: ${fx.kind}${delay ? ` (${delay} ms consistency delay)` : ''}`, () => {
    let kind: ResourceKind;
    let world: BatteryWorld;
    let dir: string;
    const clock = new FastForwardClock();
    let restoreClock = () => {};
    const keyOf = (b: Body) => kind.key(b);

    const config = (bodies: Body[], settings: object = {}, lifecycle?: { index: number; renamedFrom: string }) => {
      const items = bodies.map((b, i) =>
        lifecycle && i === lifecycle.index ? { ...b, lifecycle: { renamedFrom: lifecycle.renamedFrom } } : b,
      );
      writeConfig(dir, { test: targetOf(world) }, settings, { [fx.configKey]: items });
    };
    const cli = (cmd: string, ...extra: string[]) =>
      runCli(
        [
          cmd,
          dir,
          '--format',
          'json',
          '--parallelism',
          String(PARALLELISM),
          '--quota-scale',
          world.quotaScale ?? QUOTA_SCALE,
          ...extra,
        ],
        { cwd: dir },
      );
    /** The world's counts, when it can count. */
    const stats = () => world.stats?.();
    const resetStats = () => world.resetStats?.();
    const plan = async () => {
      const r = await cli('plan');
      expect(r.code, r.stderr).toBe(0);
      return planOf(r);
    };
    const applyOk = async () => {
      const r = await cli('apply', '--auto-approve');
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      // The next plan comes later, once what this apply did shows (it must not need a second apply).
      clock.advance(delay);
    };
    const expectEmptyPlan = async () => {
      const p = await plan();
      expect(
        p.changes.filter((c) => c.action !== 'manual'),
        JSON.stringify(p.changes, null, 1),
      ).toEqual([]);
      return p;
    };

    beforeAll(async () => {
      // Looked up when the battery runs, so a kind registered by the test file is found too.
      const registered = kindByName(fx.kind);
      if (!registered) throw new Error(`no registered kind named ${fx.kind}`);
      kind = registered;
      dir = tempDir(`battery-${fx.kind}-`);
      // Always: a lag wait the client should not need fails fast instead of waiting in real time.
      restoreClock = useLagClock(clock);
      world = await startWorld(dir, fx, delay ? { consistencyDelayMs: delay, clock: clock.now } : undefined);
    });
    afterAll(async () => {
      restoreClock();
      await world?.stop();
    });

    it('applies from empty, then the second plan is empty (and makes no write call)', async () => {
      config(fx.base);
      resetStats();
      await applyOk();
      if (stats()) expect(stats()!.maxInFlight).toBeLessThanOrEqual(PARALLELISM);
      resetStats();
      const p = await expectEmptyPlan();
      expect(p.summary.unchanged).toBe(fx.base.length);
      const counted = stats();
      if (counted) {
        expect(counted.writeCalls).toBe(0);
        expect(counted.maxInFlight).toBeLessThanOrEqual(PARALLELISM);
      }
    });

    it('a one-field change is exactly one change naming that field', async () => {
      const { bodies, name, key, expectPath } = fx.oneFieldChange(fx.base);
      config(bodies);
      const p = await plan();
      expect(p.changes).toHaveLength(1);
      const [c] = p.changes;
      expect(c.name).toBe(name ?? key);
      expect(c.action).toBe(kind.capabilities.update ? 'update' : 'manual');
      expect(c.fields.map((f) => f.path)).toEqual([expectPath]);
      if (kind.capabilities.update) {
        await applyOk();
        await expectEmptyPlan();
      }
      config(fx.base);
      if (kind.capabilities.update) await applyOk();
    });

    it('an identity change is a replace, and applies to an empty plan', async () => {
      if (!fx.replaceChange) {
        // Declared, not branched on: such a kind must not ask for a replace whatever changes.
        const [a, b] = fx.base.map((x) => kind.normalize(x, { flows: new ContactFlowDirectory() }));
        const every = [...new Set([...Object.keys(a), ...Object.keys(b)])];
        expect(kind.replaceReason(a, b, every)).toBeUndefined();
        return;
      }
      const { bodies, name, key, lifecycle } = fx.replaceChange(fx.base);
      config(bodies, {}, lifecycle);
      const p = await plan();
      expect(p.changes.map((c) => [c.name, c.action])).toEqual([[name ?? key, 'replace']]);
      expect(p.changes[0].reason).toBeTruthy();
      // The row(s) of the field that forces it say so; every row says one or the other.
      expect(p.changes[0].fields.some((f) => f.impact === 'replace')).toBe(true);
      expect(p.changes[0].fields.every((f) => f.impact === 'replace' || f.impact === 'update')).toBe(true);
      await applyOk();
      config(bodies);
      await expectEmptyPlan();
      // back to the base state for the next steps
      config(
        fx.base,
        {},
        lifecycle ? { index: lifecycle.index, renamedFrom: keyOf(bodies[lifecycle.index]) } : undefined,
      );
      await applyOk();
      config(fx.base);
      await expectEmptyPlan();
    });

    it('reordering what AWS treats as a set is no change', async () => {
      config(fx.reorderSet(fx.base));
      await expectEmptyPlan();
    });

    it('a resource removed from the config is left alone without pruning, deleted with it', async () => {
      const removed = fx.base[fx.base.length - 1];
      const kept = fx.base.slice(0, -1);
      config(kept, { prune: false });
      let p = await plan();
      expect(p.changes).toEqual([]);
      expect(p.unmanaged).toContainEqual({ kind: fx.kind, name: keyOf(removed) });

      config(kept, { prune: true });
      p = await plan();
      if (!kind.capabilities.create) {
        // What no API can create again is never deleted through `prune: true`: only when listed.
        expect(p.changes).toEqual([]);
        expect(p.notes.join('\n')).toMatch(/prune: true never deletes what no API can re-create/);
        config(kept, { prune: [fx.kind] });
        p = await plan();
        expect(p.notes.join('\n')).toMatch(/cannot be re-created by any API/);
        expect(p.changes[0]?.reason).toMatch(/no API can re-create it/);
      }
      expect(p.changes.map((c) => [c.name, c.action])).toEqual([[keyOf(removed), 'delete']]);
      await applyOk();
      p = await expectEmptyPlan();
      expect(p.unmanaged.filter((u) => u.kind === fx.kind)).toEqual([]);
    });

    // The sandbox keeps a create's client token after its resource is deleted (as AWS documents):
    // declaring the pruned resource again must create it again, not replay the old create.
    it('declare → prune → re-declare the same body: the resource exists again', async () => {
      if (!kind.capabilities.create || !kind.capabilities.delete) {
        // Declared, not branched on (Lex V1 cannot create): nothing pruned could come back.
        expect(kind.capabilities.create && kind.capabilities.delete).toBe(false);
        return;
      }
      const removed = fx.base[fx.base.length - 1];
      config(fx.base, { prune: true });
      await applyOk();
      await expectEmptyPlan();

      config(fx.base.slice(0, -1), { prune: true });
      await applyOk();
      let p = await expectEmptyPlan();

      config(fx.base, { prune: true });
      p = await plan();
      expect(p.changes.map((c) => [c.name, c.action])).toEqual([[keyOf(removed), 'create']]);
      await applyOk();
      p = await expectEmptyPlan();
      expect(p.summary.unchanged).toBe(fx.base.length);
    });

    it('a broken config gives every error with its position, exit 1, and no API call', async () => {
      writeConfig(dir, { test: targetOf(world) }, {}, fx.broken.yaml);
      resetStats();
      const r = await cli('plan');
      expect(r.code).toBe(1);
      for (const line of fx.broken.lines ?? fx.broken.expectLines ?? []) {
        expect(r.stderr).toMatch(new RegExp(`resources\\.yaml:${line}:\\d+: error`));
      }
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
      if (stats()) expect(stats()!.calls).toBe(0);
    });
  });
}
