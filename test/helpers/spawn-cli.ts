/**
 * The CLI as users run it: `node bin/connectform.js`, i.e. the compiled `dist/`. For
 * `*.e2e.test.ts` files only (test/architecture/pyramid.test.ts holds unit files to that); their
 * project rebuilds a stale `dist/` first (fresh-dist.ts). `runCli` is asynchronous so a sandbox
 * in this process keeps serving meanwhile.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type CliResult, ROOT } from './cli.js';

export const BIN = join(ROOT, 'bin', 'connectform.js');

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: opts.cwd,
        env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...opts.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
