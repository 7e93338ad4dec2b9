/**
 * One smoke test per command, each a real `node bin/connectform.js` process, as a user runs it:
 * the launcher, the compiled `dist/`, argv parsing, exit codes and stdout of the real process.
 * Everything else about the commands is tested in-process (test/cli/*), where it is ~50x cheaper.
 *
 * The sandbox they run against is itself the `connectform sandbox` command in its own process,
 * so that command is smoke-tested too (its endpoint is the first line it prints; SIGTERM stops it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { BIN, runCli } from '../helpers/spawn-cli.js';
import { exampleFunction } from '../../src/kinds/rule-function/examples.js';

const RULE = {
  Name: 'smoke-rule',
  TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
  Function: exampleFunction('OnPostCallAnalysisAvailable'),
  PublishStatus: 'PUBLISHED',
  Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'smoke-event' } }],
};

describe('every command as a real process', () => {
  let server: ChildProcess;
  let serverOut = '';
  let endpoint: string;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const line = (out: string, re: RegExp) => out.split('\n').find((l) => re.test(l));

  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'sandbox', '--no-quotas'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.setEncoding('utf8').on('data', (c: string) => (serverOut += c));
    // The endpoint is printed before anything else; the test timeout bounds the wait.
    while (!serverOut.includes('\n')) await once(server.stdout!, 'data');
    endpoint = serverOut.split('\n')[0];
    dir = writeConfig(tempDir('smoke-'), { sandbox: { endpoint } }, {}, { rules: [RULE] });
  });
  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('--help lists the commands', async () => {
    const r = await cli('--help');
    expect(r.code, r.stderr).toBe(0);
    expect(line(r.stdout, /^Usage: connectform/)).toBeDefined();
  });

  it('validate', async () => {
    const r = await cli('validate', '.');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Config is valid: 1 resource(s), 1 target(s).\n');
  });

  it('plan (saved with --out)', async () => {
    const r = await cli('plan', '.', '--detailed-exitcode', '--out', 'smoke.plan');
    expect(r.code, r.stderr).toBe(2);
    expect(line(r.stdout, /^ {2}\+ rule "smoke-rule"$/)).toBeDefined();
  });

  it('show', async () => {
    const r = await cli('show', 'smoke.plan');
    expect(r.code, r.stderr).toBe(0);
    expect(line(r.stdout, /^Plan: 1 to create, 0 to update, 0 to replace, 0 to delete; 0 unchanged\.$/)).toBeDefined();
  });

  it('apply', async () => {
    const r = await cli('apply', '.', '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    expect(line(r.stdout, /^Apply: 1 change applied, 0 failed/)).toBeDefined();
  });

  it('drift', async () => {
    const r = await cli('drift', '.');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(line(r.stdout, /^No drift\. Live state matches the config\.$/)).toBeDefined();
  });

  it('pull', async () => {
    const r = await cli('pull', '.', '--dry-run');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(line(r.stdout, /^No change to write: the config already describes target sandbox\.$/)).toBeDefined();
  });

  it('export', async () => {
    const r = await cli('export', '.');
    expect(r.code, r.stderr).toBe(0);
    expect(line(r.stdout, /^\s*-?\s*Name: smoke-rule$/)).toBeDefined();
  });

  it('sandbox stops on SIGTERM and reports what it served', async () => {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(line(serverOut, /^sandbox: stopped after \d+ calls \(1 writes,/), serverOut).toBeDefined();
  });
});
