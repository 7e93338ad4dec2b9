/**
 * The CLI as a killable child, for the e2e fault suites only (a killed process is their point):
 * spawned from the compiled `dist/` through `bin/connectform.js`, and run against a KillProxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { BIN } from '../helpers/spawn-cli.js';
import type { KillProxy, ProxyRequest, Verdict } from './helpers.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Spawn the CLI with `args` in `cwd` and kill it at the first call `decide` picks; returns that call. */
export async function killedRun(
  proxy: KillProxy,
  args: string[],
  cwd: string,
  decide: (r: ProxyRequest) => Verdict,
): Promise<ProxyRequest> {
  const { child, done } = spawnCli(args, cwd);
  proxy.arm(child, decide);
  const result = await done;
  const at = proxy.killedAt;
  proxy.disarm();
  expect(at, `the kill point was never reached:\n${result.stderr}`).toBeDefined();
  expect(result.signal).toBe('SIGKILL');
  return at!;
}
