/**
 * The package as a user gets it: `npm pack` the checkout, install the tarball into a fresh project
 * outside the repository, and run the installed `connectform` from there. A process and an install
 * are the point, so everything here is spawned. It guards the packaging mistakes the in-repo suites
 * cannot see, because they run from the checkout: the AWS models missing from the tarball (every
 * command that loads a config failed with `The "path" argument must be of type string`), a runtime
 * import of a devDependency, the bench or source maps shipped.
 *
 * Offline on purpose (CI must not depend on the registry). `npm install <tarball> --offline` cannot
 * work after `npm ci`: ci fetches tarballs but not the registry's version lists it would need to
 * resolve the tarball's ranges (it fails with ENOTCACHED). So the temp project gets a lockfile made
 * from ours, production entries only, and `npm ci --offline` installs the tarball plus exactly the
 * dependency versions our tests run against, from the npm cache. A dependency declared only as a
 * devDependency is then absent, as it would be for a user.
 *
 * Needs the compiled dist/ (`npm test` builds it first; alone: `npx tsc -p tsconfig.json`).
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  engines: object;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  overrides?: Record<string, unknown>;
};
const NPM_AVAILABLE = spawnSync('npm', ['--version'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
const INSTALL_TIMEOUT_MS = 300_000;
const COMMAND_TIMEOUT_MS = 120_000;

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (bounded), never throwing: the exit code is the test's to judge. */
function run(file: string, args: string[], cwd: string, timeout = COMMAND_TIMEOUT_MS): Promise<Run> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      {
        cwd,
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', npm_config_update_notifier: 'false' },
      },
      (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function describeRun(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

/**
 * A lockfile for a project whose only dependency is the tarball: our lockfile's production
 * entries (dev ones dropped), each with the registry URL npm caches its tarball under (our lockfile
 * omits `resolved`, and without it npm asks the registry for the version list).
 */
function lockfileForTarball(tarballName: string, tarball: Buffer): object {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${tarballName}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'connectform-install-check', version: '1.0.0', dependencies: { [PKG.name]: spec } },
    [`node_modules/${PKG.name}`]: {
      version: PKG.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      license: PKG.license,
      dependencies: PKG.dependencies,
      bin: PKG.bin,
      engines: PKG.engines,
    },
  };
  for (const [path, entry] of Object.entries(ours.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || entry.devOptional || entry.link) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolvedUrl =
      entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved: resolvedUrl };
  }
  return { name: 'connectform-install-check', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

describe.skipIf(!NPM_AVAILABLE)('the packed tarball, installed into a fresh project', () => {
  let work: string;
  let project: string;
  let packedFiles: string[];
  let bin: string;

  beforeAll(
    async () => {
      expect(
        existsSync(join(ROOT, 'dist', 'cli', 'main.js')),
        'dist/ is missing: build first with `npx tsc -p tsconfig.json`',
      ).toBe(true);
      work = mkdtempSync(join(tmpdir(), 'connectform-install-'));
      // --ignore-scripts: `npm pack` would run `prepare` (a second full tsc); dist/ is already built.
      const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
      expect(pack.code, describeRun(pack)).toBe(0);
      const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
      packedFiles = packed.files.map((f) => f.path);

      project = join(work, 'project');
      const tarball = readFileSync(join(work, packed.filename));
      cpSync(join(work, packed.filename), join(project, packed.filename));
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify(
          {
            name: 'connectform-install-check',
            version: '1.0.0',
            private: true,
            dependencies: { [PKG.name]: `file:${packed.filename}` },
            // npm applies `overrides` of the root project only: the lockfile below is ours (one
            // @smithy/util-utf8 major), and without our overrides npm would call it out of date and
            // ask the registry for the 2.x that @aws-crypto asks for (what an install without them gets).
            ...(PKG.overrides ? { overrides: PKG.overrides } : {}),
          },
          null,
          2,
        ),
      );
      writeFileSync(
        join(project, 'package-lock.json'),
        JSON.stringify(lockfileForTarball(packed.filename, tarball), null, 2),
      );
      const install = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project, INSTALL_TIMEOUT_MS);
      expect(
        install.code,
        `npm ci --offline of the tarball failed (is the npm cache filled by \`npm ci\`?)\n${describeRun(install)}`,
      ).toBe(0);
      bin = join(project, 'node_modules', '.bin', 'connectform');
      // The config a team would keep in its repository, copied out of the installed package.
      cpSync(join(project, 'node_modules', PKG.name, 'examples', 'contact-center'), join(project, 'connect'), {
        recursive: true,
      });
    },
    INSTALL_TIMEOUT_MS + 2 * COMMAND_TIMEOUT_MS,
  );

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  }, INSTALL_TIMEOUT_MS);

  it('ships the CLI, its compiled code, the AWS models and the precompiled validators, and not the bench or source maps', () => {
    for (const needed of [
      'bin/connectform.js',
      'dist/cli/main.js',
      'dist/aws/models.js',
      'src/aws/models/connect.json',
      'src/aws/models/chatbot.json',
      'src/aws/models/lex-models.json',
      'schemas/connectform.schema.json',
      // The precompiled validators a cold `validate` uses instead of compiling with ajv.
      'validators/index.json',
      'validators/document.cjs',
      'validators/rule.cjs',
      'examples/contact-center/connectform.yaml',
    ]) {
      expect(packedFiles, needed).toContain(needed);
    }
    expect(packedFiles.filter((f) => f.startsWith('dist/bench/') || f.endsWith('.map'))).toEqual([]);
    expect(packedFiles.filter((f) => f.startsWith('test/') || (f.startsWith('src/') && f.endsWith('.ts')))).toEqual([]);
  });

  it('is a real copy in node_modules, not a link back to this checkout', () => {
    expect(lstatSync(join(project, 'node_modules', PKG.name)).isSymbolicLink()).toBe(false);
    expect(existsSync(join(project, 'node_modules', PKG.name, 'test'))).toBe(false);
  });

  it(
    'prints its version, run directly and as the README and the CI example run it (npx --no --)',
    async () => {
      const direct = await run(bin, ['--version'], project);
      expect(direct.code, describeRun(direct)).toBe(0);
      expect(direct.stdout.trim()).toBe(PKG.version);
      // Without `--`, npx would take --version for its own and print npm's version.
      const viaNpx = await run('npx', ['--no', '--', 'connectform', '--version'], project);
      expect(viaNpx.code, describeRun(viaNpx)).toBe(0);
      expect(viaNpx.stdout.trim()).toBe(PKG.version);
    },
    2 * COMMAND_TIMEOUT_MS,
  );

  it(
    'validates the example config and lists its targets',
    async () => {
      const validate = await run(bin, ['validate', 'connect'], project);
      expect(validate.code, describeRun(validate)).toBe(0);
      expect(validate.stdout).toMatch(/Config is valid: \d+ resource\(s\), 3 target\(s\)/);
      const targets = await run(bin, ['targets', 'connect', '--json'], project);
      expect(targets.code, describeRun(targets)).toBe(0);
      expect(JSON.parse(targets.stdout)).toEqual(['dev', 'staging', 'prod']);
    },
    2 * COMMAND_TIMEOUT_MS,
  );

  it(
    'plans and applies against the in-process sandbox, a saved plan included, as the CI example does',
    async () => {
      const plan = await run(
        bin,
        ['plan', 'connect', '-t', 'dev', '--sandbox', '--detailed-exitcode', '--out', 'plan.json'],
        project,
      );
      expect(plan.code, describeRun(plan)).toBe(2);
      expect(plan.stdout).toMatch(/Plan: [1-9]\d* to create/);

      const applySaved = await run(bin, ['apply', 'plan.json', '--sandbox', '--auto-approve'], project);
      expect(applySaved.code, describeRun(applySaved)).toBe(0);
      expect(applySaved.stdout).toMatch(/Apply: [1-9]\d* changes applied, 0 failed/);

      const applyDir = await run(bin, ['apply', 'connect', '-t', 'staging', '--sandbox', '--auto-approve'], project);
      expect(applyDir.code, describeRun(applyDir)).toBe(0);
      expect(applyDir.stdout).toMatch(/Apply: [1-9]\d* changes applied, 0 failed/);

      for (const target of ['dev', 'staging']) {
        const again = await run(bin, ['plan', 'connect', '-t', target, '--sandbox', '--detailed-exitcode'], project);
        expect(again.code, `${target}: ${describeRun(again)}`).toBe(0);
      }
    },
    5 * COMMAND_TIMEOUT_MS,
  );
});

if (!NPM_AVAILABLE) {
  describe('the packed tarball, installed into a fresh project', () => {
    it.skip('skipped: `npm` is not on PATH, so the package cannot be packed and installed here', () => {});
  });
}
