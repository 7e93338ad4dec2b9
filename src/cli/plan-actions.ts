/**
 * What `plan`, `apply`, `drift` and `show` do (plan.ts registers them and loads this module only
 * when one of them runs).
 *   plan   — what apply would change; `--out FILE` saves it for `apply FILE`.
 *   apply  — plan (or re-derive a saved plan and check it is the one reviewed), confirm, carry out.
 *   drift  — for cron jobs: exit 0 no drift, 2 drift, 1 error; every target with `--target all`.
 *   show   — render a saved plan again (text, json, markdown).
 */
import { createInterface } from 'node:readline/promises';
import { ApplyFailedError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { escapeTerminal } from '../render/escape.js';
import { formatError } from './report-error.js';
import type { ApplyEvent, ApplyReport } from '../engine/apply.js';
import { hasChanges, type Plan } from '../engine/plan.js';
import {
  assertSamePlan,
  bindingOf,
  readSavedPlanIfAny,
  savedConfigPaths,
  writeSavedPlan,
  type BindingSource,
  type PlanBinding,
  type SavedPlan,
} from '../engine/saved-plan.js';
import { redactPlan } from '../engine/redact.js';
import type { TargetSession } from '../engine/session.js';
import { colorWanted, renderJsonDocument, rendererFor, type Format } from '../render/index.js';
import type { TargetError, TargetStatus } from '../render/json.js';
import type { KindName } from '../kinds/types.js';
import type { CliIO, CliRun } from './io.js';
import { openProgress, type Progress } from './progress.js';
import { ReadTally } from './read-tally.js';
import { kindByName, kindNames } from '../kinds/index.js';
import { singleTarget, stateDirOf, type TargetOptions } from './options.js';
import { join, relative, resolve } from 'node:path';

export interface PlanOptions extends TargetOptions {
  detailedExitcode?: boolean;
  out?: string;
  refresh?: boolean;
}

export interface ApplyCliOptions extends TargetOptions {
  autoApprove?: boolean;
  force?: boolean;
  refresh?: boolean;
  /** With a saved plan: the config paths to read instead of the plan's recorded ones. */
  config?: string[];
}

/** `plan`: each target's plan; `--out` saves the one target's. */
export async function planCommand(run: CliRun, configPaths: string[], opts: PlanOptions): Promise<void> {
  if (opts.out) singleTarget(opts.target, "--out saves one target's plan");
  const { plans, failures, bindings } = await planTargets(run, configPaths, opts);
  if (opts.out && plans.length)
    writeSavedPlan(opts.out, plans[0], configPaths, bindings[0], opts.kinds as KindName[] | undefined);
  writePlans(run, opts.format, plans, failures);
  if (failures.length) run.exitCode = EXIT.error;
  else if (opts.detailedExitcode)
    run.exitCode = plans.some((p) => p.blocked.length) ? EXIT.refused : plans.some(hasChanges) ? EXIT.changes : EXIT.ok;
}

/** `drift`: the cron job's answer, never from a cache unless asked. */
export async function driftCommand(
  run: CliRun,
  configPaths: string[],
  opts: PlanOptions & { cached?: boolean },
): Promise<void> {
  // The cron job's answer must not depend on a cache: tag edits move no version stamp.
  const { plans, failures } = await planTargets(run, configPaths, { ...opts, refresh: !opts.cached });
  writePlans(run, opts.format, plans, failures, 'drift');
  run.exitCode = failures.length ? EXIT.error : plans.some(hasChanges) ? EXIT.changes : EXIT.ok;
}

/** `show`: saved plans rendered again, several as one document. */
export function showCommand(run: CliRun, files: string[], opts: { format: Format }): void {
  const { io } = run;
  const plans = files.map((file) => {
    const saved = readSavedPlanIfAny(file);
    if (!saved) throw new UsageError(`${file} is not a plan saved by connectform plan --out`);
    // The document holds the plan itself; the file's own members (format, configPaths, kinds, binding) stay in the file.
    const { format: _format, configPaths: _paths, kinds: _kinds, binding: _binding, ...plan } = saved;
    return plan;
  });
  const twice = plans.find((p, i) => plans.findIndex((q) => q.target === p.target) !== i);
  if (twice)
    throw new UsageError(
      `two of the plan files are for target "${twice.target}"; show one plan per target (the newest)`,
    );
  writeLogLines(run, opts.format, plans);
  io.stdout.write(opts.format === 'json' ? renderJsonDocument({ plans }) : rendererOf(run, opts.format).plan(plans));
}

/** `apply`: a config (plan, confirm, apply) or one saved plan (re-derived, checked, applied). */
export async function applyCommand(run: CliRun, args: string[], opts: ApplyCliOptions): Promise<void> {
  const savedFile = args.length === 1 ? args[0] : undefined;
  const saved = savedFile ? readSavedPlanIfAny(savedFile) : undefined;
  const asked = saved
    ? singleTarget(opts.target, `${savedFile} is a plan for one target ("${saved.target}")`)
    : undefined;
  if (saved && asked !== undefined && asked !== saved.target) {
    throw new UsageError(
      `${savedFile} is a plan for target "${saved.target}", not "${asked}"; plan and apply the same target`,
    );
  }
  if (saved && opts.kinds?.length)
    throw new UsageError(`${savedFile}: a saved plan is applied with the --kinds it was made with; drop --kinds`);
  if (!saved && opts.config?.length)
    throw new UsageError(
      '--config goes with a saved plan (apply PLAN-FILE --config PATH...); pass config paths as arguments',
    );
  const configPaths = saved ? savedConfigPaths(saved, savedFile!, opts.config) : args;
  const sessionOpts: ApplyCliOptions = saved
    ? { ...opts, target: [saved.target], ...(saved.kinds ? { kinds: saved.kinds } : {}), refresh: true }
    : opts;
  const { withSessions } = await import('./runtime.js');
  const outcomes = await withSessions(run, configPaths, sessionOpts, (sessions) =>
    applyTargets(run, sessions, opts, saved && { plan: saved, file: savedFile!, configPaths }, sessionOpts),
  );
  finishApply(run, outcomes, opts);
}

/** What happened to one target in `apply`: the summary line and the exit code come from these. */
interface TargetOutcome {
  target: string;
  status: TargetStatus['status'];
  plan?: Plan;
  report?: ApplyReport;
  error?: unknown;
}

/** The run's renderer: colour only where the stream and the environment want it, never with --no-color. */
function rendererOf(run: CliRun, format: Format, command?: 'drift') {
  return rendererFor(format, { color: !run.noColor && colorWanted(run.io.stdout, run.io.env), command });
}

/**
 * Targets one after the other, each on its own: a refusal, a "no" or a failure ends that target
 * only; each report is printed as its target finishes (so a later failure never hides what an
 * earlier target changed). An interrupt stops before the next change and the next target.
 */
async function applyTargets(
  run: CliRun,
  sessions: TargetSession[],
  opts: ApplyCliOptions,
  saved?: { plan: SavedPlan; file: string; configPaths: string[] },
  sessionOpts: TargetOptions = opts,
): Promise<TargetOutcome[]> {
  const { io } = run;
  const render = rendererOf(run, opts.format);
  const text = opts.format !== 'json'; // JSON is one document at the end
  const progress = await openProgress(io.stderr, opts.format === 'text', io.env);
  const { raiseIfUnsafe } = await import('../engine/plan-passes/safety.js');
  const outcomes: TargetOutcome[] = [];
  for (const session of sessions) {
    const outcome: TargetOutcome = { target: session.name, status: 'failed' };
    outcomes.push(outcome);
    if (io.interrupt?.signal.aborted) {
      outcome.status = 'not started';
      continue;
    }
    try {
      const plan = await planOne(session, progress);
      progress.stop();
      // The reviewed file is a checksum, never a script: apply what a plan made now says,
      // and only when that is exactly what was reviewed.
      if (saved)
        assertSamePlan(
          saved.plan,
          plan,
          saved.file,
          bindingOf(bindingSource(run, session, plan, sessionOpts, saved.configPaths)),
        );
      outcome.plan = plan;
      writeLogLines(run, opts.format, [plan]);
      if (text) io.stdout.write(render.plan([plan]));
      if (!plan.changes.some((c) => c.action !== 'manual')) {
        outcome.status = 'no changes';
        continue;
      }
      try {
        raiseIfUnsafe(plan, opts.force);
      } catch (err) {
        outcome.status = 'refused';
        throw err;
      }
      if (!(await confirm(io, plan, opts.autoApprove))) {
        outcome.status = 'cancelled';
        continue;
      }
      const count = plan.changes.filter((c) => c.action !== 'manual').length;
      progress.phase(`Applying ${count} change(s) to ${session.name}`, count);
      if (io.interrupt) io.interrupt.applying = true;
      const report = await session.apply(plan, {
        force: opts.force,
        onEvent: applyProgress(progress),
        signal: io.interrupt?.signal,
      });
      if (io.interrupt) io.interrupt.applying = false;
      progress.stop();
      outcome.report = report;
      if (text) io.stdout.write(render.report([report]));
      if (opts.debug)
        for (const r of report.results)
          if (r.error)
            io.stderr.write(formatError(r.error, true, io.env, { change: `${r.action} ${r.kind} "${r.name}"` }));
      outcome.status =
        report.summary.failed || report.summary.restored
          ? 'failed'
          : report.summary.interrupted
            ? 'interrupted'
            : 'applied';
    } catch (err) {
      progress.stop();
      if (io.interrupt) io.interrupt.applying = false;
      outcome.error = err;
      // One target: finishApply rethrows it once the output is written (the top-level catch prints it).
      if (sessions.length > 1) io.stderr.write(formatError(err, Boolean(opts.debug), io.env, { target: session.name }));
    }
  }
  return outcomes;
}

/** JSON: one document; text/markdown: a per-target summary when it says more than the reports. */
function finishApply(run: CliRun, outcomes: TargetOutcome[], opts: ApplyCliOptions): void {
  const { io } = run;
  if (opts.format === 'json') {
    io.stdout.write(
      renderJsonDocument({
        plans: outcomes.flatMap((o) => (o.plan ? [o.plan] : [])),
        errors: outcomes.flatMap((o) => (o.error ? [targetError(o.target, o.error)] : [])),
        apply: {
          targets: outcomes.map((o) => ({ target: o.target, status: o.status })),
          reports: outcomes.flatMap((o) => (o.report ? [o.report] : [])),
        },
      }),
    );
  } else if (outcomes.length > 1 || outcomes.some((o) => o.status === 'interrupted')) {
    const lines = outcomes.map((o) => {
      const s = o.report?.summary;
      const detail = s
        ? ` (${s.ok} applied, ${s.failed} failed, ${s.restored} restored${s.interrupted ? `, ${s.interrupted} not started` : ''})`
        : '';
      return `  ${escapeTerminal(o.target)}: ${o.status}${detail}`;
    });
    io.stderr.write(`Summary:\n${lines.join('\n')}\n`);
  }
  if (outcomes.length === 1 && outcomes[0].error) throw outcomes[0].error;
  if (outcomes.some((o) => o.status === 'interrupted' || o.status === 'not started')) {
    io.stderr.write(
      'Interrupted: the changes under way finished, nothing new was started; run apply again to converge.\n',
    );
    run.exitCode = EXIT.interrupted;
    return;
  }
  // A replace that fell back to the previous resource lost nothing, but did not converge either.
  const failed = outcomes.reduce((n, o) => n + (o.report?.summary.failed ?? 0), 0);
  const restored = outcomes.reduce((n, o) => n + (o.report?.summary.restored ?? 0), 0);
  if (failed || restored) {
    const what = [
      failed ? `${failed} change(s) failed` : '',
      restored ? `${restored} replace(s) restored the previous resource` : '',
    ]
      .filter(Boolean)
      .join(', ');
    throw new ApplyFailedError(`not converged: ${what}; fix the cause and run apply again (it converges)`);
  }
  if (outcomes.some((o) => o.status === 'cancelled' && outcomes.length === 1)) throw new UsageError('apply cancelled');
  if (outcomes.some((o) => o.status !== 'applied' && o.status !== 'no changes')) run.exitCode = EXIT.error;
}

/**
 * Plan every chosen target concurrently, each on its own: one target's failure is printed with
 * its name and never discards the other targets' plans.
 */
async function planTargets(
  run: CliRun,
  configPaths: string[],
  opts: PlanOptions,
): Promise<{ plans: Plan[]; failures: TargetFailure[]; bindings: PlanBinding[] }> {
  const { io } = run;
  const progress = await openProgress(io.stderr, opts.format === 'text', io.env);
  const { withSessions } = await import('./runtime.js');
  try {
    return await withSessions(run, configPaths, opts, async (sessions) => {
      progress.phase(`Reading live state of ${sessions.map((s) => s.name).join(', ')}`);
      followReads(sessions, progress);
      const settled = await Promise.allSettled(sessions.map((s) => s.plan()));
      progress.stop();
      const plans: Plan[] = [];
      const failures: TargetFailure[] = [];
      // What a saved plan binds (--out): computed only for the file, while the session is open.
      const bindings: PlanBinding[] = [];
      settled.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          plans.push(r.value);
          if (opts.out) bindings.push(bindingOf(bindingSource(run, sessions[i], r.value, opts, configPaths)));
        } else {
          failures.push({ target: sessions[i].name, error: r.reason, alone: sessions.length === 1 });
          // One target: writePlans rethrows it after the output (the top-level catch prints it as always).
          if (sessions.length > 1)
            io.stderr.write(formatError(r.reason, Boolean(opts.debug), io.env, { target: sessions[i].name }));
        }
      });
      return { plans, failures, bindings };
    });
  } finally {
    progress.stop();
  }
}

/**
 * Where `session` acts, as a saved plan binds it: printable region and instance, the account STS
 * reported, the endpoint (the in-process sandbox by its state file: its port changes every run),
 * the Chatbot region, the settings and the files the config loader read.
 */
function bindingSource(
  run: CliRun,
  session: TargetSession,
  plan: Plan,
  opts: TargetOptions,
  configPaths: readonly string[],
): BindingSource {
  const scope = redactPlan(plan).scope;
  const sandboxState = resolve(opts.sandboxState ?? join(stateDirOf(opts, run.io.env), 'sandbox-state.json'));
  return {
    region: scope.region,
    instanceId: scope.instanceId,
    accountId: session.ctx.target.accountId,
    endpoint: opts.sandbox
      ? `sandbox:${relative(process.cwd(), sandboxState)}`
      : (session.aws.options.endpoint ?? 'AWS'),
    chatbotRegion: session.aws.chatbotRegion,
    settings: { ...session.config.settings, parallelism: session.settings.parallelism },
    configFiles: session.config.files,
    configPaths,
  };
}

/** A target that could not be planned; `alone` when it was the only one chosen. */
interface TargetFailure {
  target: string;
  error: unknown;
  alone: boolean;
}

/** A failed target as the JSON document lists it. */
function targetError(target: string, err: unknown): TargetError {
  return { target, message: err instanceof Error ? err.message : String(err) };
}

/**
 * The plans of `plan` / `drift`: JSON is one document whatever happened (the failed targets in
 * `errors`); text and markdown print the plans made. A lone target's failure is rethrown after.
 */
function writePlans(run: CliRun, format: Format, plans: Plan[], failures: TargetFailure[], command?: 'drift'): void {
  writeLogLines(run, format, plans);
  if (format === 'json')
    run.io.stdout.write(renderJsonDocument({ plans, errors: failures.map((f) => targetError(f.target, f.error)) }));
  else if (plans.length) run.io.stdout.write(rendererOf(run, format, command).plan(plans));
  const alone = failures.find((f) => f.alone);
  if (alone) throw alone.error;
}

/**
 * A markdown plan is a pull-request comment: the plans' log lines (the cache note) are for the
 * job's log, so they go to stderr. Text shows them as notes, JSON carries them as `log`.
 */
function writeLogLines(run: CliRun, format: Format, plans: Plan[]): void {
  if (format !== 'markdown') return;
  for (const p of plans)
    for (const line of p.log ?? [])
      run.io.stderr.write(`Note (${escapeTerminal(p.target)}): ${escapeTerminal(line)}\n`);
}

/** One target, its own progress phase (apply plans targets one at a time). */
async function planOne(session: TargetSession, progress: Progress): Promise<Plan> {
  progress.phase(`Reading live state of ${session.name}`);
  followReads([session], progress);
  return session.plan();
}

/** The reading phase's steps are its running totals per kind: `rules 120/1000, taskTemplates 3/250…`. */
function followReads(sessions: TargetSession[], progress: Progress): void {
  const order = kindNames(); // once: the tally's text is made for every resource read
  const tally = new ReadTally(
    (kind) => kindByName(kind)?.configKey ?? kind,
    (kind) => order.indexOf(kind),
  );
  for (const s of sessions) {
    s.onRead = (kind) => {
      tally.read(kind);
      progress.step(tally.text());
    };
    s.onListed = (kind, event) => tally.listed(s.name, kind, event);
  }
}

function applyProgress(progress: Progress) {
  return (e: ApplyEvent) => {
    if (e.type === 'done')
      progress.step(
        `${e.result?.status === 'ok' ? 'done' : e.result?.status}: ${e.change.action} ${e.change.kind} "${e.change.name}"`,
        true,
      );
  };
}

/** True to go ahead; false when the person at the terminal said anything but "yes". */
async function confirm(io: CliIO, plan: Plan, autoApprove: boolean | undefined): Promise<boolean> {
  if (autoApprove) return true;
  if (!io.stdin.isTTY) {
    throw new UsageError(
      'refusing to apply without confirmation: stdin is not a terminal; pass --auto-approve (e.g. in CI)',
    );
  }
  // The question goes to stderr ourselves: stdout stays the plan, and io streams need not be Node streams.
  io.stderr.write(`Apply these changes to ${escapeTerminal(plan.target)}? Only "yes" proceeds: `);
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    const answer = await rl.question('');
    if (answer.trim() === 'yes') return true;
    io.stderr.write(`Not applied to ${escapeTerminal(plan.target)}.\n`);
    return false;
  } finally {
    rl.close();
  }
}
