/**
 * The pull-request workflow's promise that the sticky comment always describes the newest commit,
 * run as far as it can run off GitHub: the plan job's `plan` step (its bash script, taken from the
 * YAML) runs for real with the compiled CLI against an in-process sandbox, and the comment job's
 * github-script body runs on the artifact it wrote. `npx` is a shim that accepts only the pinned
 * form `npx --no -- connectform ...`; GitHub's REST client is an in-memory list of comments with
 * the four calls the script makes (listComments through paginate, createComment, updateComment).
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { BIN, tempDir, writeConfig } from '../helpers/cli.js';

const WORKFLOW = parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'examples', 'github-actions', 'connectform-pr.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { id?: string; run?: string; uses?: string; with?: { script?: string } }[] }>;
};
const PLAN_SCRIPT = WORKFLOW.jobs.plan.steps.find((s) => s.id === 'plan')!.run!;
const COMMENT_SCRIPT = WORKFLOW.jobs.comment.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!.script!;

const ACTION = { ActionName: 'queue-backlog', Definition: { CommandText: 'lambda invoke --function-name queue-backlog-report' } };

interface StepRun {
  code: number | null;
  stderr: string;
  outputs: string;
  summary: string;
  comment: string;
}

/**
 * Runs the plan step in `dir` as GitHub would (`bash -eo pipefail`), with its env and files.
 * Asynchronously, so the in-process sandbox keeps serving while it runs.
 */
async function runPlanStep(dir: string, target: string): Promise<StepRun> {
  const shim = join(dir, 'shim');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'npx'), `#!/usr/bin/env bash\n[ "$1 $2 $3" = "--no -- connectform" ] || { echo "not the pinned form: npx $*" >&2; exit 97; }\nshift 3\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shim, 'npx'), 0o755);
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'outputs'), '');
  const env = { ...process.env, PATH: `${shim}:${process.env.PATH}`, CONFIG: 'connect/', TARGET: target, NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'outputs') };
  const r = await new Promise<{ code: number | null; stderr: string }>((done) =>
    execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', PLAN_SCRIPT], { cwd: dir, env, timeout: 120_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    ),
  );
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ...r, outputs: read('outputs'), summary: read('summary.md'), comment: read('comment.md') };
}

interface Comment {
  id: number;
  user: { login: string };
  body: string;
}

/** The comment job's script, run in `dir` (where its artifacts are) against `comments`. */
async function runCommentJob(dir: string, comments: Comment[], targets: string): Promise<void> {
  const listComments = async () => ({ data: comments });
  const github = {
    paginate: async (method: typeof listComments) => (await method()).data,
    rest: {
      issues: {
        listComments,
        createComment: async ({ body }: { body: string }) => void comments.push({ id: comments.length + 1, user: { login: 'github-actions[bot]' }, body }),
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => void (comments.find((c) => c.id === comment_id)!.body = body),
      },
    },
  };
  const context = { serverUrl: 'https://github.example', repo: { owner: 'team', repo: 'contact-center' }, runId: 7, payload: { pull_request: { number: 12, head: { sha: 'abcdef1234567' } } } };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  const cwd = process.cwd();
  const saved = process.env.TARGETS;
  process.chdir(dir);
  process.env.TARGETS = targets;
  try {
    await new AsyncFunction('require', 'github', 'context', COMMENT_SCRIPT)(createRequire(import.meta.url), github, context);
  } finally {
    process.chdir(cwd);
    if (saved === undefined) delete process.env.TARGETS;
    else process.env.TARGETS = saved;
  }
}

/** Puts the plan job's comment.md where actions/download-artifact would (pattern connectform-*). */
function collectArtifact(jobDir: string, commentDir: string, target: string): void {
  mkdirSync(join(commentDir, 'artifacts', `connectform-comment-${target}`), { recursive: true });
  copyFileSync(join(jobDir, 'comment.md'), join(commentDir, 'artifacts', `connectform-comment-${target}`, 'comment.md'));
}

describe('the pull-request plan step and the sticky comment', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ quotas: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('posts a plan, then replaces it with "plan failed" and the error when the next commit cannot be planned', async () => {
    const comments: Comment[] = [{ id: 1, user: { login: 'a-reviewer' }, body: 'looks good' }];

    const first = tempDir('connectform-pr-ok-');
    writeConfig(join(first, 'connect'), { dev: { endpoint: sandbox.endpoint } }, {}, { customActions: [ACTION] });
    const ok = await runPlanStep(first, 'dev');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.outputs).toBe('exit=2\n');
    expect(ok.comment).toMatch(/^### `dev`: changes\n/);
    expect(ok.comment).toContain('queue-backlog');
    expect(ok.summary).toBe(ok.comment);
    const commentDir1 = tempDir('connectform-pr-comment-');
    collectArtifact(first, commentDir1, 'dev');
    await runCommentJob(commentDir1, comments, '["dev"]');
    expect(comments).toHaveLength(2);
    expect(comments[1].body).toMatch(/^<!-- connectform-plan -->\n## connectform plan for abcdef1\n/);
    expect(comments[1].body).toContain('queue-backlog');

    // The next commit misspells a field: validation fails inside plan (exit 1).
    const second = tempDir('connectform-pr-broken-');
    writeConfig(join(second, 'connect'), { dev: { endpoint: sandbox.endpoint } }, {}, { customActions: [{ ActionName: 'queue-backlog', Definitionn: ACTION.Definition }] });
    const broken = await runPlanStep(second, 'dev');
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.outputs).toBe('exit=1\n');
    expect(broken.comment).toMatch(/^### `dev`: \*\*plan failed\*\*\n/);
    const pre = /<pre>\n([\s\S]*)<\/pre>/.exec(broken.comment)?.[1] ?? '';
    expect(pre).toMatch(/resources\.yaml:\d+:\d+: error: .*Definitionn/);
    // Annotations reach the log (stderr), not the comment; the error text cannot open HTML tags.
    expect(broken.stderr).toMatch(/^::error file=/m);
    expect(pre).not.toMatch(/^::/m);
    expect(pre).not.toContain('<');
    const commentDir2 = tempDir('connectform-pr-comment-');
    collectArtifact(second, commentDir2, 'dev');
    await runCommentJob(commentDir2, comments, '["dev"]');
    expect(comments).toHaveLength(2);
    expect(comments[0].body).toBe('looks good');
    expect(comments[1].body).toContain('**plan failed**');
    expect(comments[1].body).not.toContain('### `dev`: changes');
  });

  it('says "plan failed" for a target whose job left no artifact, and for an invalid config', async () => {
    const comments: Comment[] = [];
    const noArtifacts = tempDir('connectform-pr-comment-');
    await runCommentJob(noArtifacts, comments, '["dev","prod"]');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('### `dev`: **plan failed**');
    expect(comments[0].body).toContain('### `prod`: **plan failed**');

    const invalid = tempDir('connectform-pr-comment-');
    mkdirSync(join(invalid, 'artifacts', 'connectform-validate'), { recursive: true });
    writeFileSync(join(invalid, 'artifacts', 'connectform-validate', 'validate.txt'), 'connect/a.yaml:3:5: error: unknown key <Foo>\n::error file=connect/a.yaml::unknown key\n1 error\n');
    await runCommentJob(invalid, comments, '');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('**plan failed**: the config is invalid');
    expect(comments[0].body).toContain('connect/a.yaml:3:5: error: unknown key &lt;Foo&gt;');
    expect(comments[0].body).not.toContain('::error');
  });
});
