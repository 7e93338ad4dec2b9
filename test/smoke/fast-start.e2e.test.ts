/**
 * Fast start: commands that call no AWS API load neither the AWS SDK, nor the spinner, nor the
 * sandbox (issue 13, point 5). A cold process is the point, so each command is one spawned
 * `node bin/connectform.js` with a resolve hook (record-imports.mjs) recording every specifier
 * it resolves. A plan against the sandbox is the control: the same hook must see the SDK there.
 * The hook sees `import` and `import()` (how src/ loads the SDK), not a CommonJS `require`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { postCallRule, tempDir, writeConfig } from '../helpers/cli.js';
import { BIN } from '../helpers/spawn-cli.js';

const HOOK = join(import.meta.dirname, 'record-imports.mjs');

/** Runs the CLI cold with the hook; the specifiers it resolved, and its exit code. */
function resolvedBy(
  args: string[],
  cwd: string,
): Promise<{ code: number; specifiers: string[]; stdout: string; stderr: string }> {
  const log = join(tempDir('imports-'), 'resolved.tsv');
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', HOOK, BIN, ...args],
      { cwd, env: { ...process.env, RECORD_IMPORTS_TO: log, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        let text = '';
        try {
          text = readFileSync(log, 'utf8');
        } catch {
          // nothing resolved at all: the assertions below say so
        }
        done({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          specifiers: text
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split('\t')[0]),
          stdout,
          stderr,
        });
      },
    );
  });
}

const heavy = (specifiers: string[]) => ({
  sdk: specifiers.filter((s) => s.startsWith('@aws-sdk/')),
  spinner: specifiers.filter((s) => s === 'ora'),
  sandbox: specifiers.filter((s) => /(^|\/)sandbox\/index\.js$/.test(s)),
});

let dir: string;
let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
  dir = writeConfig(
    tempDir('fast-start-'),
    { t: { endpoint: sandbox.endpoint } },
    {},
    { rules: [postCallRule('fast-start')] },
  );
});
afterAll(async () => sandbox?.stop());

describe('a cold start loads only what the command needs', () => {
  it('--help loads no AWS SDK, spinner or sandbox', async () => {
    const r = await resolvedBy(['--help'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.specifiers.length).toBeGreaterThan(10); // the hook saw the program load
    expect(heavy(r.specifiers)).toEqual({ sdk: [], spinner: [], sandbox: [] });
  });

  it('validate of one rule loads no AWS SDK, spinner or sandbox', async () => {
    const r = await resolvedBy(['validate', '.'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Config is valid: 1 resource(s), 1 target(s).\n'); // it did validate
    expect(heavy(r.specifiers)).toEqual({ sdk: [], spinner: [], sandbox: [] });
  });

  it('a plan does load the SDK (the hook would see it)', async () => {
    const r = await resolvedBy(['plan', '.'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(heavy(r.specifiers).sdk).toContain('@aws-sdk/client-connect');
  });
});
