/**
 * Attack (issue 23): a pull request commits a symbolic link where connectform keeps its state
 * (`.connectform -> /elsewhere`, `.connectform/sandbox-state.json -> a victim file`,
 * `.connectform/cache -> ...`) or where a plan is saved, so that a CI run writes outside the
 * checkout or echoes another file's bytes in an error. Every path from the repository (the
 * working directory) down to a state file is checked with lstat: a link is refused with one
 * line naming it, nothing is read or written through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { postCallRule, runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

const VICTIM = 'VICTIM-FIRST-BYTES do not echo me';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox({ quotas: false });
});
afterAll(async () => sandbox?.stop());

function repo(endpoint?: string): string {
  const dir = tempDir('links-');
  writeConfig(dir, { dev: endpoint ? { endpoint } : {} }, {}, { rules: [postCallRule('linked')] });
  return dir;
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('state never follows a link out of the repository', () => {
  it('.connectform -> elsewhere: plan --sandbox is refused naming the link, and writes nothing there', async () => {
    const dir = repo();
    const elsewhere = tempDir('elsewhere-');
    symlinkSync(elsewhere, join(dir, '.connectform'));
    const r = await run(['plan', '.', '--sandbox'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: \.connectform is a symbolic link; connectform does not follow links/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('.connectform/sandbox-state.json -> victim: refused, the victim is neither read nor quoted', async () => {
    const dir = repo();
    const victim = join(tempDir('victim-'), 'victim.txt');
    writeFileSync(victim, VICTIM);
    mkdirSync(join(dir, '.connectform'));
    symlinkSync(victim, join(dir, '.connectform', 'sandbox-state.json'));
    const r = await run(['plan', '.', '--sandbox'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\.connectform\/sandbox-state\.json is a symbolic link/);
    expect(r.stdout + r.stderr).not.toContain('VICTIM');
  });

  it('a state file that is not JSON is named, never quoted', async () => {
    const dir = repo();
    mkdirSync(join(dir, '.connectform'));
    writeFileSync(join(dir, '.connectform', 'sandbox-state.json'), VICTIM);
    const r = await run(['plan', '.', '--sandbox'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/sandbox-state\.json: damaged: not JSON/);
    expect(r.stdout + r.stderr).not.toContain('VICTIM');
  });

  it('.connectform/cache and .connectform/pending links: refused before the first read', async () => {
    for (const sub of ['cache', 'pending']) {
      const dir = repo(sandbox.endpoint);
      const elsewhere = tempDir('elsewhere-');
      mkdirSync(join(dir, '.connectform'));
      symlinkSync(elsewhere, join(dir, '.connectform', sub));
      const r = await run(['plan', '.'], { cwd: dir });
      expect(r.code, sub).not.toBe(0);
      expect(r.stderr, sub).toMatch(new RegExp(`\\.connectform/${sub} is a symbolic link`));
      expect(readdirSync(elsewhere), sub).toEqual([]);
    }
  });

  it('plan --out onto a committed link is refused; the link target is untouched', async () => {
    const dir = repo(sandbox.endpoint);
    const victim = join(tempDir('victim-'), 'victim.txt');
    writeFileSync(victim, VICTIM);
    symlinkSync(victim, join(dir, 'plan.json'));
    const r = await run(['plan', '.', '--out', 'plan.json'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/plan\.json is a symbolic link/);
    expect(existsSync(victim)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('VICTIM');
  });
});
