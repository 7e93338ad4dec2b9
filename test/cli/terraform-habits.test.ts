/**
 * Habits Terraform users bring: --version, --no-color, -var/-var-file, repeated --target, and
 * the single-dash long flag (`-target=prod`) that commander would otherwise read as `-t arget=prod`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_SEED } from '../../src/sandbox/world.js';
import { varOverrides } from '../../src/cli/options.js';
import { loadConfig } from '../../src/config/index.js';
import { UsageError } from '../../src/errors.js';
import { planOf, runCliInProcess as run, tempDir, writeConfig, phraseFunction, postCallRule } from '../helpers/cli.js';

const OTHER_INSTANCE = '0b5e2f7a-3c4d-4e8f-9a1b-2c3d4e5f6a7b';
const rule = postCallRule;

let sandbox: SandboxHandle;
let dir: string;

beforeAll(async () => {
  const seed = structuredClone(DEFAULT_SEED);
  seed.connect!.instances!.push({ ...structuredClone(seed.connect!.instances![0]), id: OTHER_INSTANCE });
  sandbox = await startSandbox({ seed, quotas: false });
  dir = tempDir('habits-');
  writeConfig(
    dir,
    {
      dev: { endpoint: sandbox.endpoint, vars: { threshold: '10', env: 'dev' } },
      prod: { endpoint: sandbox.endpoint, instanceId: OTHER_INSTANCE, vars: { threshold: '99', env: 'prod' } },
      qa: { endpoint: sandbox.endpoint, vars: { threshold: '1', env: 'qa' } },
    },
    {},
    { rules: [rule('habit-${var.env}', phraseFunction('refund ${var.threshold}'))] },
  );
});
afterAll(async () => sandbox?.stop());

describe('terraform habits', () => {
  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version,
    );
  });

  it('-target=prod is refused with the two-dash spelling, before anything runs', async () => {
    for (const arg of ['-target=prod', '-target', '-var-file=x.yaml', '-auto-approve']) {
      const r = await run(['plan', dir, arg], { cwd: dir });
      expect(r.code, arg).toBe(1);
      expect(r.stderr).toContain(`did you mean '-${arg}'`);
    }
  });

  it('repeated --target plans exactly those targets; all with others, or a repeat, is refused', async () => {
    const two = await run(['plan', dir, '-t', 'prod', '-t', 'dev', '--format', 'json'], { cwd: dir });
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout).plans.map((p: { target: string }) => p.target)).toEqual(['prod', 'dev']);
    expect((await run(['plan', dir, '-t', 'all', '-t', 'dev'], { cwd: dir })).stderr).toMatch(
      /-t all already means every target/,
    );
    expect((await run(['plan', dir, '-t', 'dev', '-t', 'dev'], { cwd: dir })).stderr).toMatch(
      /--target dev is given more than once/,
    );
  });

  it('--var and --var-file override the target vars (later wins); an unknown name is an error', async () => {
    const varFile = join(tempDir('vars-'), 'vars.yaml'); // not inside the config directory
    writeFileSync(varFile, 'threshold: 50\n');
    const r = await run(['plan', dir, '-t', 'dev', '--format', 'json', '--var-file', varFile], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(planOf(r).changes[0].fields.find((f) => f.path === 'Function')).toMatchObject({
      after: phraseFunction('refund 50'),
    });
    const both = await run(
      ['plan', dir, '-t', 'dev', '--format', 'json', '--var-file', varFile, '--var', 'threshold=7'],
      { cwd: dir },
    );
    expect(planOf(both).changes[0].fields.find((f) => f.path === 'Function')).toMatchObject({
      after: phraseFunction('refund 7'),
    });
    const typo = await run(['validate', dir, '--var', 'treshold=7'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no target defines a variable 'treshold' \(defined: env, threshold\)/);
  });

  it('--var values are typed like YAML scalars', async () => {
    const config = await loadConfig(dir);
    expect(varOverrides({ var: ['threshold=30', 'env=true'] }, config)).toEqual({ threshold: 30, env: true });
    expect(varOverrides({ var: ['threshold="30"', 'env='] }, config)).toEqual({ threshold: '30', env: '' });
    expect(() => varOverrides({ var: ['threshold=[1, 2]'] }, config)).toThrow(UsageError);
    expect(() => varOverrides({ var: ['=3'] }, config)).toThrow(/expected NAME=VALUE/);
  });

  it('--no-color wins over FORCE_COLOR', async () => {
    const coloured = await run(['plan', dir, '-t', 'dev'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(coloured.stdout).toMatch(/\u001b\[/);
    const plain = await run(['plan', dir, '-t', 'dev', '--no-color'], {
      cwd: dir,
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
    });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });

  it('targets lists the target names, as JSON for a CI matrix', async () => {
    const json = await run(['targets', dir, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(['dev', 'prod', 'qa']);
    expect((await run(['targets', dir])).stdout).toBe('dev\nprod\nqa\n');
  });
});
