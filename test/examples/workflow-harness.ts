/**
 * Runs pieces of the example workflows off GitHub: a `run:` step's bash script as the runner
 * would (`bash --noprofile --norc -eo pipefail`, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files),
 * with `npx` a shim that accepts only the pinned form `npx --no -- connectform ...` and runs the
 * compiled CLI; and a github-script body with the `github` and `context` objects a test provides.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { BIN } from '../helpers/spawn-cli.js';

export interface WorkflowStep {
  id?: string;
  run?: string;
  if?: string;
  uses?: string;
  with?: { script?: string };
}

/** The parsed workflow `examples/github-actions/<file>`. */
export function loadWorkflow(file: string): { jobs: Record<string, { steps: WorkflowStep[] }> } {
  return parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'examples', 'github-actions', file), 'utf8'));
}

export interface StepRun {
  code: number | null;
  stderr: string;
  /** What the step appended to GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
  outputs: string;
  summary: string;
}

/** Runs a step's script in `dir`; asynchronous, so an in-process sandbox keeps serving. */
export async function runStep(script: string, dir: string, env: Record<string, string>): Promise<StepRun> {
  const shim = join(dir, '.shim');
  mkdirSync(shim, { recursive: true });
  writeFileSync(
    join(shim, 'npx'),
    `#!/usr/bin/env bash\n[ "$1 $2 $3" = "--no -- connectform" ] || { echo "not the pinned form: npx $*" >&2; exit 97; }\nshift 3\nexec "${process.execPath}" "${BIN}" "$@"\n`,
  );
  chmodSync(join(shim, 'npx'), 0o755);
  writeFileSync(join(dir, '.summary.md'), '');
  writeFileSync(join(dir, '.outputs'), '');
  const fullEnv = {
    ...process.env,
    PATH: `${shim}:${process.env.PATH}`,
    NO_COLOR: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: join(dir, '.summary.md'),
    GITHUB_OUTPUT: join(dir, '.outputs'),
    ...env,
  };
  const r = await new Promise<{ code: number | null; stderr: string }>((done) =>
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { cwd: dir, env: fullEnv, timeout: 120_000, killSignal: 'SIGKILL' },
      (err, _stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    ),
  );
  return {
    ...r,
    outputs: readFileSync(join(dir, '.outputs'), 'utf8'),
    summary: readFileSync(join(dir, '.summary.md'), 'utf8'),
  };
}

/** Runs a github-script body with cwd `dir` (where its artifacts are) and `env` set meanwhile. */
export async function runGithubScript(
  script: string,
  dir: string,
  github: unknown,
  context: unknown,
  env: Record<string, string>,
): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const cwd = process.cwd();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  process.chdir(dir);
  Object.assign(process.env, env);
  try {
    await new AsyncFunction('require', 'github', 'context', script)(createRequire(import.meta.url), github, context);
  } finally {
    process.chdir(cwd);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Puts a file a job uploaded where actions/download-artifact puts it for a `pattern` download:
 * `<dir>/<path>/<artifact name>/<file>`, `path` being the download step's `path`.
 */
export function placeArtifact(dir: string, artifact: string, file: string, text: string, path = 'artifacts'): void {
  mkdirSync(join(dir, path, artifact), { recursive: true });
  writeFileSync(join(dir, path, artifact, file), text);
}

export const CONTEXT = {
  serverUrl: 'https://github.example',
  repo: { owner: 'team', repo: 'contact-center' },
  runId: 7,
};

/** An in-process sandbox for the enclosing describe block; read `endpoint` inside its tests. */
export function sandboxForSuite(): { readonly endpoint: string } {
  let sandbox: SandboxHandle | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return {
    get endpoint() {
      return sandbox!.endpoint;
    },
  };
}
