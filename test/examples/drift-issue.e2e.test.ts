/**
 * The drift workflow's promise: drift (exit 2) opens one issue, a later run updates that issue
 * rather than opening another, a target whose check left no report counts as a finding, and a
 * clean run closes the issue. The drift step's bash script runs for real with the compiled CLI
 * against an in-process sandbox; the report job's github-script body runs on its artifacts with an
 * in-memory list of issues behind the calls it makes (listForRepo through paginate, create,
 * update, createComment). See workflow-harness.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { runCli } from '../helpers/spawn-cli.js';
import { CONTEXT, loadWorkflow, placeArtifact, runGithubScript, runStep, sandboxForSuite } from './workflow-harness.js';

const WORKFLOW = loadWorkflow('connectform-drift.yml');
const DRIFT_SCRIPT = WORKFLOW.jobs.drift.steps.find((s) => s.id === 'drift')!.run!;
const REPORT_SCRIPT = WORKFLOW.jobs.report.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!
  .script!;

interface Issue {
  number: number;
  title: string;
  body: string;
  state: string;
  comments: string[];
}

function fakeIssues(issues: Issue[]) {
  // Copies, as JSON from the REST API would be.
  const listForRepo = async ({ state }: { state: string }) => ({
    data: structuredClone(issues.filter((i) => i.state === state)),
  });
  return {
    paginate: async (method: typeof listForRepo, params: { state: string }) => (await method(params)).data,
    rest: {
      issues: {
        listForRepo,
        create: async ({ title, body }: { title: string; body: string }) =>
          void issues.push({ number: issues.length + 1, title, body, state: 'open', comments: [] }),
        update: async ({
          issue_number,
          title,
          body,
          state,
        }: {
          issue_number: number;
          title?: string;
          body?: string;
          state?: string;
        }) => {
          const issue = issues.find((i) => i.number === issue_number)!;
          Object.assign(
            issue,
            title === undefined ? {} : { title },
            body === undefined ? {} : { body },
            state === undefined ? {} : { state },
          );
        },
        createComment: async ({ issue_number, body }: { issue_number: number; body: string }) =>
          void issues.find((i) => i.number === issue_number)!.comments.push(body),
      },
    },
  };
}

/** The drift step for `target` in `dir`; returns the artifact files it wrote. */
async function runDriftStep(dir: string, target: string) {
  const r = await runStep(DRIFT_SCRIPT, dir, { CONFIG: 'connect/', TARGET: target });
  return {
    ...r,
    report: readFileSync(join(dir, 'report.md'), 'utf8'),
    exitCode: readFileSync(join(dir, 'exit-code'), 'utf8'),
  };
}

/** The report job over the given per-target artifacts (a target with none: its job did not finish). */
async function runReportJob(
  issues: Issue[],
  targets: string[],
  artifacts: Record<string, { report: string; exitCode: string }>,
): Promise<void> {
  const dir = tempDir('connectform-drift-report-');
  for (const [target, a] of Object.entries(artifacts)) {
    placeArtifact(dir, `connectform-drift-${target}`, 'report.md', a.report);
    placeArtifact(dir, `connectform-drift-${target}`, 'exit-code', a.exitCode);
  }
  await runGithubScript(REPORT_SCRIPT, dir, fakeIssues(issues), CONTEXT, { TARGETS: JSON.stringify(targets) });
}

describe('the drift workflow and its issue', () => {
  const sandbox = sandboxForSuite();

  it('opens one issue on drift, updates it while drift lasts, and closes it when all is clean', async () => {
    const dir = tempDir('connectform-drift-');
    writeConfig(
      join(dir, 'connect'),
      { dev: { endpoint: sandbox.endpoint } },
      {},
      {
        customActions: [
          { ActionName: 'queue-backlog', Definition: { CommandText: 'lambda invoke --function-name report' } },
        ],
      },
    );
    const issues: Issue[] = [{ number: 1, title: 'unrelated', body: 'something else', state: 'open', comments: [] }];

    const drifted = await runDriftStep(dir, 'dev');
    expect(drifted.code, drifted.stderr).toBe(0);
    expect(drifted.exitCode).toBe('2\n');
    expect(drifted.report).toMatch(/^### `dev`: \*\*drift\*\*\n/);
    expect(drifted.summary).toBe(drifted.report);
    // prod's job left nothing: a check that did not run is not a clean one.
    await runReportJob(issues, ['dev', 'prod'], { dev: drifted });
    expect(issues).toHaveLength(2);
    expect(issues[1]).toMatchObject({ title: 'connectform: drift in dev, prod', state: 'open' });
    expect(issues[1].body).toMatch(/^<!-- connectform-drift -->\n/);
    expect(issues[1].body).toContain('queue-backlog');
    expect(issues[1].body).toContain('### `prod`: **drift check failed**');

    await runReportJob(issues, ['dev', 'prod'], { dev: drifted });
    expect(issues).toHaveLength(2);
    expect(issues[1].comments).toEqual([]);

    await runReportJob(issues, ['dev'], { dev: drifted });
    expect(issues).toHaveLength(2);
    expect(issues[1].title).toBe('connectform: drift in dev');
    expect(issues[1].comments).toHaveLength(1);

    const applied = await runCli(['apply', join(dir, 'connect'), '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const clean = await runDriftStep(dir, 'dev');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.exitCode).toBe('0\n');
    await runReportJob(issues, ['dev'], { dev: clean });
    expect(issues[1].state).toBe('closed');
    expect(issues[1].comments.at(-1)).toMatch(/^No drift in any target/);
    expect(issues[0]).toMatchObject({ title: 'unrelated', state: 'open', comments: [] });
  });

  it('fails the step when the check itself fails, and reports the error escaped', async () => {
    const dir = tempDir('connectform-drift-broken-');
    writeConfig(
      join(dir, 'connect'),
      { dev: { endpoint: sandbox.endpoint } },
      {},
      { customActions: [{ ActionName: 'queue-backlog', Definitionn: {} }] },
    );
    const failed = await runDriftStep(dir, 'dev');
    expect(failed.code).toBe(1);
    expect(failed.exitCode).toBe('1\n');
    expect(failed.report).toMatch(/^### `dev`: \*\*drift check failed\*\* \(exit 1\)\n/);
    const pre = /<pre>\n([\s\S]*)<\/pre>/.exec(failed.report)?.[1] ?? '';
    expect(pre).toMatch(/resources\.yaml:\d+:\d+: error: .*Definitionn/);
    expect(pre).not.toMatch(/^::/m);
  });
});
