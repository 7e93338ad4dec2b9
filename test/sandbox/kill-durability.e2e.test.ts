/**
 * `connectform sandbox --state FILE`, SIGKILLed while creates are in flight, restarted on the
 * same file: every create it acknowledged is still there. Before, it answered writes before
 * saving them, and 25 kills lost 150 acknowledged creates (connectform issue #9, point 7).
 *
 * A spawned process is the point: only a real SIGKILL stops a save half-way. Bounded: 5 kills,
 * each after a number of acknowledgments drawn from a seeded PRNG (not after a time), with six
 * creates in flight so the kill lands while saves are running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectClient, CreateRuleCommand, paginateListRules } from '@aws-sdk/client-connect';
import { mulberry32 } from '../../src/sandbox/faults.js';
import { tempDir } from '../helpers/cli.js';
import { BIN } from '../helpers/spawn-cli.js';
import { INSTANCE, ruleInput } from './helpers.js';

const KILLS = 5;
const WORKERS = 6;
const SEED = 0x5eed9;

interface Running {
  child: ChildProcess;
  endpoint: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts the CLI's sandbox and reads the endpoint it prints first. */
async function startProcess(statePath: string): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--state', statePath, '--no-quotas', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = out.split('\n');
      if (line.length > 1) resolve(line[0].trim());
    });
    void exited.then((how) => reject(new Error(`sandbox exited (${how}) before printing its endpoint:\n${stderr}`)));
  });
  return { child, endpoint, exited };
}

const connectClient = (endpoint: string) =>
  new ConnectClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  });

async function ruleIds(endpoint: string): Promise<Map<string, string>> {
  const client = connectClient(endpoint);
  const ids = new Map<string, string>();
  for await (const page of paginateListRules({ client }, { InstanceId: INSTANCE, MaxResults: 100 })) {
    for (const r of page.RuleSummaryList ?? []) ids.set(r.RuleId!, r.Name!);
  }
  client.destroy();
  return ids;
}

describe('a SIGKILLed sandbox keeps every write it acknowledged', () => {
  it(`${KILLS} kills mid-write, restarts on the same state file, no acknowledged create lost`, async () => {
    const dir = tempDir('cf-kill-durable-');
    const statePath = join(dir, 'state.json');
    const random = mulberry32(SEED);
    const acknowledged = new Map<string, string>(); // RuleId -> Name

    for (let round = 0; round < KILLS; round++) {
      const sandbox = await startProcess(statePath);
      const live = await ruleIds(sandbox.endpoint);
      const lost = [...acknowledged].filter(([id, name]) => live.get(id) !== name).map(([, name]) => name);
      expect(lost, `acknowledged before kill ${round}, missing after the restart`).toEqual([]);

      const killAfter = 1 + Math.floor(random() * 40);
      let acksThisRound = 0;
      const client = connectClient(sandbox.endpoint);
      const worker = async (w: number) => {
        for (let i = 0; !sandbox.child.killed; i++) {
          const name = `k${round}-w${w}-${i}`;
          try {
            const { RuleId } = await client.send(new CreateRuleCommand(ruleInput(name)));
            acknowledged.set(RuleId!, name);
          } catch {
            return; // the kill: this create was never acknowledged
          }
          if (++acksThisRound === killAfter) sandbox.child.kill('SIGKILL');
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      expect(await sandbox.exited).toBe('SIGKILL');
      client.destroy();
    }

    const last = await startProcess(statePath);
    const live = await ruleIds(last.endpoint);
    expect([...acknowledged].filter(([id, name]) => live.get(id) !== name)).toEqual([]);
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILLS);
    // Start-up removed whatever temp file a kill left mid-save.
    expect(readdirSync(dir)).toEqual(['state.json']);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  });
});
