/**
 * A write is saved before it is acknowledged (group commit), saves are atomic and durable, and
 * no temp file outlives its save or a killed sandbox (connectform issue #9, point 7). The
 * SIGKILL version with a spawned sandbox is kill-durability.e2e.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateRuleCommand } from '@aws-sdk/client-connect';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { StateSaver, loadState, removeStaleTempFiles, saveState } from '../../src/sandbox/persist.js';
import { SandboxEngine } from '../../src/sandbox/server.js';
import { Faults } from '../../src/sandbox/faults.js';
import { connectOps } from '../../src/sandbox/ops/connect.js';
import { chatbotOps } from '../../src/sandbox/ops/chatbot.js';
import { lexOps } from '../../src/sandbox/ops/lex.js';
import { DEFAULT_SEED, emptyWorld, worldFromSeed, type World } from '../../src/sandbox/world.js';
import { INSTANCE, clients, failure, ruleInput } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'cf-durable-'));

/** A writer whose saves finish only when the test says so, recording what each one wrote. */
function gatedWriter() {
  const writes: { text: string; finish: (err?: Error) => void }[] = [];
  const write = (_path: string, text: string) =>
    new Promise<void>((resolve, reject) => writes.push({ text, finish: (err) => (err ? reject(err) : resolve()) }));
  return { writes, write };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('StateSaver: group commit', () => {
  it('acknowledges each change only after a save that includes it; N concurrent changes cost two saves', async () => {
    const world = emptyWorld('123456789012');
    const { writes, write } = gatedWriter();
    const saver = new StateSaver('/unused', () => world, write);
    const acked: number[] = [];
    const change = (n: number) => {
      world.lex.bots[`bot${n}`] = { name: `bot${n}` } as World['lex']['bots'][string];
      return saver.markDirty().then(() => acked.push(n));
    };

    const first = change(0);
    await settle();
    expect(writes).toHaveLength(1); // the first change starts a save at once
    const rest = Array.from({ length: 99 }, (_, i) => change(i + 1));
    await settle();
    expect(writes).toHaveLength(1); // the others wait for the running save
    expect(acked).toEqual([]); // nothing is acknowledged before its save finishes

    writes[0].finish();
    await first;
    expect(acked).toEqual([0]); // the first save did not include changes 1..99
    await settle();
    expect(writes).toHaveLength(2);
    expect(Object.keys(JSON.parse(writes[1].text).world.lex.bots)).toHaveLength(100);

    writes[1].finish();
    await Promise.all(rest);
    expect(acked).toHaveLength(100);
    expect(writes).toHaveLength(2);
    expect(saver.saves).toBe(2);
    // Nothing unsaved: waiting costs no save.
    await saver.untilSaved();
    await saver.flush();
    expect(writes).toHaveLength(2);
  });

  it('a failed save rejects the changes it covered; the next change saves everything', async () => {
    const world = emptyWorld('123456789012');
    const { writes, write } = gatedWriter();
    const saver = new StateSaver('/unused', () => world, write);
    const lost = saver.markDirty();
    await settle();
    writes[0].finish(new Error('ENOSPC: no space left on device'));
    await expect(lost).rejects.toThrow(/ENOSPC/);
    // Still unsaved: flush tries again (and fails again here).
    const flushed = saver.flush();
    await settle();
    writes[1].finish(new Error('ENOSPC: no space left on device'));
    await expect(flushed).rejects.toThrow(/ENOSPC/);
    const next = saver.markDirty();
    await settle();
    writes[2].finish();
    await next;
    await saver.flush();
    expect(writes).toHaveLength(3);
  });
});

describe('the sandbox answers a write only once it is in the state file', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.stop().catch(() => undefined);
    sandbox = undefined;
    vi.restoreAllMocks();
  });

  it('every acknowledged create of 30 concurrent ones is in the file when its answer arrives', async () => {
    const statePath = join(tmp(), 'state.json');
    sandbox = await startSandbox({ quotas: false, statePath });
    const { connect } = clients(sandbox.endpoint);
    const missing: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const { RuleId } = await connect.send(new CreateRuleCommand(ruleInput(`durable-${i}`)));
        const saved = (await loadState(statePath))!;
        if (!saved.connect.instances[INSTANCE].rules[RuleId!]) missing.push(`durable-${i}`);
      }),
    );
    expect(missing).toEqual([]);
    connect.destroy();
  });

  it('a write whose save fails is answered with an error, not acknowledged', async () => {
    const dir = tmp();
    const statePath = join(dir, 'state.json');
    sandbox = await startSandbox({ quotas: false, statePath });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // A directory where the file should go: the rename of every save fails (EISDIR).
    rmSync(statePath);
    mkdirSync(statePath);
    const { connect } = clients(sandbox.endpoint);
    const err = await failure(connect.send(new CreateRuleCommand(ruleInput('unsaved'))));
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.message).toMatch(/could not save its state file .*EISDIR.*not acknowledged/);
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^sandbox: cannot save the state file: .*EISDIR/),
    ]);
    expect(readdirSync(dir)).toEqual(['state.json']); // the failed save's temp file is gone

    rmSync(statePath, { recursive: true });
    const saved = await connect.send(new CreateRuleCommand(ruleInput('saved')));
    const names = Object.values((await loadState(statePath))!.connect.instances[INSTANCE].rules).map((r) => r.Name);
    expect(names).toEqual(['unsaved', 'saved']); // the next save holds the whole world
    expect(saved.RuleId).toBeDefined();
    connect.destroy();
  });
});

describe('an idempotent replay', () => {
  it("is answered only once the first call's write is saved", async () => {
    let release!: () => void;
    const saved = new Promise<void>((r) => (release = r));
    let replayWaited = false;
    const engine = new SandboxEngine({
      world: worldFromSeed(DEFAULT_SEED, '123456789012'),
      handlers: { connect: connectOps, chatbot: chatbotOps, 'lex-models': lexOps },
      faults: new Faults({ quotas: false }),
      untilSaved: () => {
        replayWaited = true;
        return saved;
      },
    });
    const first = await engine.invoke('connect:CreateRule', ruleInput('once', { ClientToken: 'token-1' }));
    let replayed: unknown;
    const replay = engine
      .invoke('connect:CreateRule', ruleInput('once', { ClientToken: 'token-1' }))
      .then((o) => (replayed = o));
    await settle();
    expect(replayWaited).toBe(true);
    expect(replayed).toBeUndefined();
    release();
    await replay;
    expect(replayed).toEqual(first);
  });
});

describe('temp files', () => {
  it('a failed save removes its temp file', async () => {
    const dir = tmp();
    const statePath = join(dir, 'state.json');
    mkdirSync(statePath); // rename onto a directory fails after the temp file is written
    await expect(saveState(statePath, emptyWorld('123456789012'))).rejects.toThrow(/EISDIR/);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('start-up removes temp files a killed sandbox left, and only those', async () => {
    const dir = tmp();
    const statePath = join(dir, 'state.json');
    // Above Linux's largest possible pid (2^22; macOS stops at 99,999): never a running process.
    const dead = 2 ** 22 + 1;
    const alive = process.ppid; // another running process
    const stale = [`state.json.${dead}.0123456789abcdef.tmp`, `state.json.${dead}.1764460000000.tmp`];
    const kept = [
      `state.json.${alive}.0123456789abcdef.tmp`,
      `other.json.${dead}.0123456789abcdef.tmp`,
      'state.json.tmp',
      'state.json.bak',
      `state.json.${dead}.notes.tmp`,
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'partial');

    const sandbox = await startSandbox({ quotas: false, statePath });
    await sandbox.stop();
    expect(readdirSync(dir).sort()).toEqual([...kept, 'state.json'].sort());
    expect(await removeStaleTempFiles(statePath)).toEqual([]);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toMatch(/connectform-sandbox-state\/2/);
  });
});
