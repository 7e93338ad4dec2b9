/**
 * The drift workflow's optional pull request (CONNECTFORM_PULL_REQUESTS): when a target drifted, the
 * `pull` job runs one `pull -t all`, which writes the console edits back into the checked-out config
 * and keeps the changed files and pull's markdown report; the `pull-requests` job turns them into
 * one commit on one branch and opens (then updates, never duplicates) one pull request whose
 * description is the report (diff and attribution). The bash step runs for real with the compiled CLI against an in-process
 * sandbox, in a real git checkout; the github-script body runs with an in-memory Git database and
 * pull request list behind the calls it makes. See workflow-harness.ts.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetTaskTemplateCommand, ListTaskTemplatesCommand, UpdateTaskTemplateCommand } from '@aws-sdk/client-connect';
import { INSTANCE, runCliInProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { clients } from '../sandbox/helpers.js';
import { CONTEXT, loadWorkflow, runGithubScript, runStep, sandboxForSuite } from './workflow-harness.js';

const WORKFLOW = loadWorkflow('connectform-drift.yml');
const DRIFT_SCRIPT = WORKFLOW.jobs.drift.steps.find((s) => s.id === 'drift')!.run!;
const DRIFTED_SCRIPT = WORKFLOW.jobs.pull.steps.find((s) => s.id === 'drifted')!.run!;
const PULL_SCRIPT = WORKFLOW.jobs.pull.steps.find((s) => s.id === 'pull')!.run!;
const PR_SCRIPT = WORKFLOW.jobs['pull-requests'].steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!
  .script!;

const RESOURCES = `# Task templates of the floor: reviewed changes only.
taskTemplates:
  - Name: Callback   # agents see this name
    Description: Call the customer back within 1 day
    ContactFlowId: { name: Task routing }
    Fields:
      - Id: { Name: Title }
        Type: NAME
    Constraints: { RequiredFields: [{ Id: { Name: Title } }] }
`;

interface PullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
}

/** Enough of the Git database and pulls API for the job: blobs, trees, commits, refs. */
function fakeGitHub() {
  const blobs = new Map<string, string>();
  const trees = new Map<string, { base?: string; entries: { path: string; sha: string }[] }>();
  const commits = new Map<string, { tree: string; parents: string[]; message: string }>();
  const refs = new Map<string, string>([['heads/main', 'c0']]);
  commits.set('c0', { tree: 't0', parents: [], message: 'initial' });
  const pulls: PullRequest[] = [];
  let n = 0;
  const id = (p: string) => `${p}${++n}`;
  const notFound = () => Object.assign(new Error('Reference does not exist'), { status: 422 });
  const github = {
    rest: {
      git: {
        getRef: async ({ ref }: { ref: string }) => ({ data: { object: { sha: refs.get(ref)! } } }),
        getCommit: async ({ commit_sha }: { commit_sha: string }) => ({
          data: { tree: { sha: commits.get(commit_sha)!.tree } },
        }),
        createBlob: async ({ content }: { content: string }) => {
          const sha = id('b');
          blobs.set(sha, content);
          return { data: { sha } };
        },
        createTree: async ({ base_tree, tree }: { base_tree: string; tree: { path: string; sha: string }[] }) => {
          const sha = id('t');
          trees.set(sha, { base: base_tree, entries: tree });
          return { data: { sha } };
        },
        createCommit: async ({ tree, parents, message }: { tree: string; parents: string[]; message: string }) => {
          const sha = id('c');
          commits.set(sha, { tree, parents, message });
          return { data: { sha } };
        },
        updateRef: async ({ ref, sha }: { ref: string; sha: string }) => {
          if (!refs.has(ref)) throw notFound();
          refs.set(ref, sha);
        },
        createRef: async ({ ref, sha }: { ref: string; sha: string }) => void refs.set(ref.replace(/^refs\//, ''), sha),
      },
      pulls: {
        list: async ({ head }: { head: string }) => ({
          data: pulls.filter((p) => `${CONTEXT.repo.owner}:${p.head}` === head),
        }),
        create: async (p: Omit<PullRequest, 'number'>) =>
          void pulls.push({ number: pulls.length + 1, title: p.title, body: p.body, head: p.head, base: p.base }),
        update: async ({ pull_number, title, body }: { pull_number: number; title: string; body: string }) =>
          void Object.assign(pulls.find((p) => p.number === pull_number)!, { title, body }),
      },
    },
  };
  /** The files of the commit a branch points at (the ones the job wrote). */
  const filesAt = (branch: string) => {
    const commit = commits.get(refs.get(`heads/${branch}`)!)!;
    return Object.fromEntries(trees.get(commit.tree)!.entries.map((e) => [e.path, blobs.get(e.sha)!]));
  };
  return { github, pulls, refs, commits, filesAt };
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
    encoding: 'utf8',
  });

describe('the drift workflow opens a pull request with the pulled config', () => {
  const sandbox = sandboxForSuite();

  it('pulls every target into the checkout at once and opens one pull request, updated on the next run', async () => {
    const dir = tempDir('connectform-drift-pull-');
    writeConfig(join(dir, 'connect'), { dev: { endpoint: sandbox.endpoint } }, {}, RESOURCES);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'config');
    const applied = await runCliInProcess(['apply', join(dir, 'connect'), '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);

    // the console edit
    const { connect } = clients(sandbox.endpoint, 'us-east-2');
    const list = await connect.send(new ListTaskTemplatesCommand({ InstanceId: INSTANCE }));
    const TaskTemplateId = list.TaskTemplates!.find((t) => t.Name === 'Callback')!.Id!;
    const t = await connect.send(new GetTaskTemplateCommand({ InstanceId: INSTANCE, TaskTemplateId }));
    await connect.send(
      new UpdateTaskTemplateCommand({
        InstanceId: INSTANCE,
        TaskTemplateId,
        Name: t.Name,
        Description: 'Call the customer back within 2 days',
        ContactFlowId: t.ContactFlowId,
        Constraints: t.Constraints,
        Fields: t.Fields,
        Status: t.Status, // the service requires it (UpdateTaskTemplate's doc)
      }),
    );

    const env = { CONFIG: 'connect/', TARGET: 'dev' };
    expect((await runStep(DRIFT_SCRIPT, dir, env)).code).toBe(0);
    expect(readFileSync(join(dir, 'exit-code'), 'utf8')).toBe('2\n');
    // the pull job: it runs when any target's drift artifact says 2
    const drift = join(dir, 'drift', 'connectform-drift-dev');
    cpSync(join(dir, 'exit-code'), join(drift, 'exit-code'), { recursive: true });
    expect((await runStep(DRIFTED_SCRIPT, dir, {})).outputs).toBe('any=true\n');
    const pulled = await runStep(PULL_SCRIPT, dir, { CONFIG: 'connect/' });
    expect(pulled.stderr).toBe('');
    expect(pulled.code, pulled.stderr).toBe(0);
    const written = readFileSync(join(dir, 'pulled', 'files', 'connect', 'resources.yaml'), 'utf8');
    expect(written).toBe(RESOURCES.replace('within 1 day', 'within 2 days'));
    const description = readFileSync(join(dir, 'pulled', 'description.md'), 'utf8');
    expect(description).toContain(
      '-    Description: Call the customer back within 1 day\n+    Description: Call the customer back within 2 days',
    );
    expect(description).toMatch(/last changed \d{4}-\d\d-\d\dT[^ )]+\)/);
    expect(pulled.summary).toBe(description);

    // the pull-requests job, twice: one branch, one pull request, its description kept current
    const art = tempDir('connectform-pull-artifacts-');
    cpSync(join(dir, 'pulled'), join(art, 'artifacts', 'connectform-pull'), { recursive: true });
    const gh = fakeGitHub();
    const run = () => runGithubScript(PR_SCRIPT, art, gh.github, CONTEXT, { BASE: 'main' });
    await run();
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]).toMatchObject({
      head: 'connectform/pull',
      base: 'main',
      title: 'connectform: adopt the live changes',
    });
    expect(gh.pulls[0].body).toContain(description.trim().split('\n')[0]);
    expect(gh.pulls[0].body).toContain('+    Description: Call the customer back within 2 days');
    expect(gh.filesAt('connectform/pull')).toEqual({ 'connect/resources.yaml': written });
    expect(gh.commits.get(gh.refs.get('heads/connectform/pull')!)!.parents).toEqual(['c0']);

    writeFileSync(join(art, 'artifacts', 'connectform-pull', 'description.md'), 'newer report\n');
    await run();
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0].body).toMatch(/^newer report\n/);
  });

  it('does nothing without drift: no pull, no pull request', async () => {
    const dir = tempDir('connectform-drift-clean-');
    for (const [target, code] of [
      ['dev', '0'],
      ['prod', '1'],
    ]) {
      mkdirSync(join(dir, 'drift', `connectform-drift-${target}`), { recursive: true });
      writeFileSync(join(dir, 'drift', `connectform-drift-${target}`, 'exit-code'), `${code}\n`);
    }
    const r = await runStep(DRIFTED_SCRIPT, dir, {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toBe('');
    expect(WORKFLOW.jobs.pull.steps.find((s) => s.id === 'pull')!.if).toBe("steps.drifted.outputs.any == 'true'");
    const gh = fakeGitHub();
    await runGithubScript(PR_SCRIPT, tempDir('connectform-pull-none-'), gh.github, CONTEXT, { BASE: 'main' });
    expect(gh.pulls).toEqual([]);
  });
});
