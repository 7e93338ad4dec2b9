/**
 * The pull-request workflow's promises, run as far as they can run off GitHub: the plan job's
 * `plan` step (its bash script, taken from the YAML) runs for real with the compiled CLI against
 * an in-process sandbox and saves its plan; the unprivileged render job's `render` step runs
 * `connectform show` on those artifacts; the comment job's github-script body posts what the
 * render job wrote (see workflow-harness.ts). GitHub's REST client is an in-memory list of
 * comments with the calls the script makes (listComments through paginate, createComment,
 * updateComment).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { CONTEXT, loadWorkflow, placeArtifact, runGithubScript, runStep, sandboxForSuite } from './workflow-harness.js';

const WORKFLOW = loadWorkflow('connectform-pr.yml');
const PLAN_SCRIPT = WORKFLOW.jobs.plan.steps.find((s) => s.id === 'plan')!.run!;
const RENDER_SCRIPT = WORKFLOW.jobs.render.steps.find((s) => s.id === 'render')!.run!;
const COMMENT_SCRIPT = WORKFLOW.jobs.comment.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!
  .script!;

const ACTION = {
  ActionName: 'queue-backlog',
  Definition: { CommandText: 'lambda invoke --function-name queue-backlog-report' },
};

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** The plan step for `target` in `dir`, plus what it left for its artifact (plan.json or failed.md). */
async function runPlanStep(dir: string, target: string) {
  const r = await runStep(PLAN_SCRIPT, dir, { CONFIG: 'connect/', TARGET: target });
  return { ...r, plan: read(join(dir, 'plan.json')), failed: read(join(dir, 'failed.md')) };
}

/** The plan job's artifact, where the render job's download step puts it. */
function placePlanArtifact(dir: string, target: string, step: { plan?: string; failed?: string }) {
  if (step.plan !== undefined) placeArtifact(dir, `connectform-plan-${target}`, 'plan.json', step.plan);
  if (step.failed !== undefined) placeArtifact(dir, `connectform-plan-${target}`, 'failed.md', step.failed);
}

/** The render step in `dir` (where the plan artifacts are); returns the comment.md it wrote. */
async function runRenderStep(dir: string, targets: string[]) {
  const r = await runStep(RENDER_SCRIPT, dir, {
    TARGETS: JSON.stringify(targets),
    RUN_URL: 'https://github.example/team/contact-center/actions/runs/7',
  });
  return { ...r, comment: read(join(dir, 'comment.md')) ?? '' };
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
          const comment = comments.find((c) => c.id === comment_id);
          if (comment) comment.body = body;
        },
      },
    },
  };
  const context = { ...CONTEXT, payload: { pull_request: { number: 12, head: { sha: 'abcdef1234567' } } } };
  await runGithubScript(COMMENT_SCRIPT, dir, github, context, { TARGETS: targets });
}

describe('the pull-request plan, render and comment jobs', () => {
  const sandbox = sandboxForSuite();

  it('posts a plan, then replaces it with "plan failed" and the error when the next commit cannot be planned', async () => {
    const comments: Comment[] = [{ id: 1, user: { login: 'a-reviewer' }, body: 'looks good' }];

    const first = tempDir('connectform-pr-ok-');
    writeConfig(join(first, 'connect'), { dev: { endpoint: sandbox.endpoint } }, {}, { customActions: [ACTION] });
    const ok = await runPlanStep(first, 'dev');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.outputs).toBe('exit=2\n');
    expect(JSON.parse(ok.plan!).format).toBe('connectform-saved-plan');
    expect(ok.failed).toBeUndefined();
    expect(ok.summary).toContain('queue-backlog');
    const renderDir1 = tempDir('connectform-pr-render-');
    placePlanArtifact(renderDir1, 'dev', ok);
    const rendered = await runRenderStep(renderDir1, ['dev']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.comment).toMatch(/^## connectform plan\n/);
    expect(rendered.comment).toContain('queue-backlog');
    const commentDir1 = tempDir('connectform-pr-comment-');
    placeArtifact(commentDir1, 'connectform-comment', 'comment.md', rendered.comment);
    await runCommentJob(commentDir1, comments, '["dev"]');
    expect(comments).toHaveLength(2);
    expect(comments[1].body).toMatch(/^<!-- connectform-plan -->\n## connectform plan\n/);
    expect(comments[1].body).toContain('queue-backlog');
    expect(comments[1].body).toContain('Commit abcdef1');

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
    expect(broken.plan).toBeUndefined();
    expect(broken.failed).toMatch(/^### `dev`: \*\*plan failed\*\*\n/);
    const pre = /<pre>\n([\s\S]*)<\/pre>/.exec(broken.failed!)?.[1] ?? '';
    expect(pre).toMatch(/resources\.yaml:\d+:\d+: error: .*Definitionn/);
    // Annotations reach the log (stderr), not the comment; the error text cannot open HTML tags.
    expect(broken.stderr).toMatch(/^::error file=/m);
    expect(pre).not.toMatch(/^::/m);
    expect(pre).not.toContain('<');
    const renderDir2 = tempDir('connectform-pr-render-');
    placePlanArtifact(renderDir2, 'dev', broken);
    const failedRender = await runRenderStep(renderDir2, ['dev']);
    expect(failedRender.code, failedRender.stderr).toBe(0);
    const commentDir2 = tempDir('connectform-pr-comment-');
    placeArtifact(commentDir2, 'connectform-comment', 'comment.md', failedRender.comment);
    await runCommentJob(commentDir2, comments, '["dev"]');
    expect(comments).toHaveLength(2);
    expect(comments[0].body).toBe('looks good');
    expect(comments[1].body).toContain('### `dev`: **plan failed**');
    expect(comments[1].body).not.toContain('queue-backlog-report');
  });

  it('renders every target as one comment: one title, one table with a row per target; the cache note stays in the log', async () => {
    const renderDir = tempDir('connectform-pr-render-');
    const targets = { dev: { endpoint: sandbox.endpoint }, prod: { endpoint: sandbox.endpoint } };
    const template = (Description: string) => ({
      Name: 'Callback',
      Description,
      ContactFlowId: { name: 'Escalation' },
      Fields: [{ Id: { Name: 'Name' }, Type: 'NAME' }],
      Constraints: { RequiredFields: [{ Id: { Name: 'Name' } }] },
    });
    const live = tempDir('connectform-pr-live-');
    writeConfig(join(live, 'connect'), targets, {}, { taskTemplates: [template('first')] });
    expect((await runCliInProcess(['apply', 'connect', '-t', 'dev', '--auto-approve'], { cwd: live })).code).toBe(0);
    for (const target of ['dev', 'prod']) {
      const dir = tempDir(`connectform-pr-${target}-`);
      writeConfig(join(dir, 'connect'), targets, {}, { taskTemplates: [template('second')] });
      await runPlanStep(dir, target); // warms this job's snapshot cache
      const step = await runPlanStep(dir, target);
      expect(step.outputs).toBe('exit=2\n');
      expect(JSON.parse(step.plan!).log).toEqual([expect.stringMatching(/from the snapshot cache/)]);
      placePlanArtifact(renderDir, target, step);
    }
    const r = await runRenderStep(renderDir, ['dev', 'prod', 'stage']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.comment.match(/^## /gm)).toHaveLength(1);
    expect(r.comment.match(/^\| target \|/gm)).toHaveLength(1);
    expect(r.comment).toMatch(/^\| dev \|/m);
    expect(r.comment).toMatch(/^\| prod \|/m);
    expect(r.comment).toMatch(/^### dev$/m);
    expect(r.comment).toMatch(/^### prod$/m);
    // a target whose plan job left nothing is named as failed, after the plans
    expect(r.comment).toMatch(/### `stage`: \*\*plan failed\*\*\n\nThe plan job did not finish/);
    expect(r.comment).not.toContain('snapshot cache');
    expect(r.summary).toBe(r.comment);
  });

  it('says "plan failed" for targets whose jobs left no artifact, for a render that did not finish, and for an invalid config', async () => {
    const comments: Comment[] = [];
    const noPlans = tempDir('connectform-pr-render-');
    const rendered = await runRenderStep(noPlans, ['dev', 'prod']);
    expect(rendered.code, rendered.stderr).toBe(0);
    const commentDir = tempDir('connectform-pr-comment-');
    placeArtifact(commentDir, 'connectform-comment', 'comment.md', rendered.comment);
    await runCommentJob(commentDir, comments, '["dev","prod"]');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toMatch(/^<!-- connectform-plan -->\n## connectform plan\n/);
    expect(comments[0].body).toContain('### `dev`: **plan failed**');
    expect(comments[0].body).toContain('### `prod`: **plan failed**');

    await runCommentJob(tempDir('connectform-pr-comment-'), comments, '["dev"]');
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('**plan failed**: the comment was not rendered');

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
