/**
 * The pull-request workflow's promise that the sticky comment always describes the newest commit,
 * run as far as it can run off GitHub: the plan job's `plan` step (its bash script, taken from the
 * YAML) runs for real with the compiled CLI against an in-process sandbox, and the comment job's
 * github-script body runs on the artifact it wrote (see workflow-harness.ts). GitHub's REST
 * client is an in-memory list of comments with the calls the script makes (listComments through
 * paginate, createComment, updateComment).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { CONTEXT, loadWorkflow, placeArtifact, runGithubScript, runStep, sandboxForSuite } from './workflow-harness.js';

const WORKFLOW = loadWorkflow('connectform-pr.yml');
const PLAN_SCRIPT = WORKFLOW.jobs.plan.steps.find((s) => s.id === 'plan')!.run!;
const COMMENT_SCRIPT = WORKFLOW.jobs.comment.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!
  .script!;

const ACTION = {
  ActionName: 'queue-backlog',
  Definition: { CommandText: 'lambda invoke --function-name queue-backlog-report' },
};

/** The plan step for `target` in `dir`, plus the comment.md it wrote. */
async function runPlanStep(dir: string, target: string) {
  const r = await runStep(PLAN_SCRIPT, dir, { CONFIG: 'connect/', TARGET: target });
  return { ...r, comment: readFileSync(join(dir, 'comment.md'), 'utf8') };
}

interface Comment {
  id: number;
  user: { login: string };
  body: string;
}

/** The comment job's script, run in `dir` (where its artifacts are) against `comments`. */
async function runCommentJob(dir: string, comments: Comment[], targets: string): Promise<void> {
  // Copies, as JSON from the REST API would be.
  const listComments = async () => ({ data: structuredClone(comments) });
  const github = {
    paginate: async (method: typeof listComments) => (await method()).data,
    rest: {
      issues: {
        listComments,
        createComment: async ({ body }: { body: string }) =>
          void comments.push({ id: comments.length + 1, user: { login: 'github-actions[bot]' }, body }),
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          comments.find((c) => c.id === comment_id)!.body = body;
        },
      },
    },
  };
  const context = { ...CONTEXT, payload: { pull_request: { number: 12, head: { sha: 'abcdef1234567' } } } };
  await runGithubScript(COMMENT_SCRIPT, dir, github, context, { TARGETS: targets });
}

describe('the pull-request plan step and the sticky comment', () => {
  const sandbox = sandboxForSuite();

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
    placeArtifact(commentDir1, 'connectform-comment-dev', 'comment.md', ok.comment);
    await runCommentJob(commentDir1, comments, '["dev"]');
    expect(comments).toHaveLength(2);
    expect(comments[1].body).toMatch(/^<!-- connectform-plan -->\n## connectform plan for abcdef1\n/);
    expect(comments[1].body).toContain('queue-backlog');

    // The next commit misspells a field: validation fails inside plan (exit 1).
    const second = tempDir('connectform-pr-broken-');
    writeConfig(
      join(second, 'connect'),
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { customActions: [{ ActionName: 'queue-backlog', Definitionn: ACTION.Definition }] },
    );
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
    placeArtifact(commentDir2, 'connectform-comment-dev', 'comment.md', broken.comment);
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
    placeArtifact(
      invalid,
      'connectform-validate',
      'validate.txt',
      'connect/a.yaml:3:5: error: unknown key <Foo>\n::error file=connect/a.yaml::unknown key\n1 error\n',
    );
    await runCommentJob(invalid, comments, '');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('**plan failed**: the config is invalid');
    expect(comments[0].body).toContain('connect/a.yaml:3:5: error: unknown key &lt;Foo&gt;');
    expect(comments[0].body).not.toContain('::error');
  });
});
