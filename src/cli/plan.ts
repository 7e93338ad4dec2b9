/**
 * `plan`, `apply`, `drift` and `show`.
 *   plan   — what apply would change; `--out FILE` saves it for `apply FILE`.
 *   apply  — plan (or re-derive a saved plan and check it is the one reviewed), confirm, carry out.
 *   drift  — for cron jobs: exit 0 no drift, 2 drift, 1 error; every target with `--target all`.
 *   show   — render a saved plan again (text, json, markdown).
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { ApplyFailedError, UsageError } from '../errors.js';
import type { ApplyEvent, ApplyReport } from '../engine/apply.js';
import { hasChanges, type Plan } from '../engine/plan.js';
import { assertSamePlan, readSavedPlanIfAny, savedConfigPaths, writeSavedPlan } from '../engine/saved-plan.js';
import type { TargetSession } from '../engine/session.js';
import { FORMATS, colorWanted, rendererFor, type Format } from '../render/index.js';
import type { KindName } from '../kinds/types.js';
import type { CliIO, CliRun } from './io.js';
import { createProgress, type Progress } from './progress.js';
import { addTargetOptions, singleTarget, type TargetOptions } from './options.js';

interface PlanOptions extends TargetOptions {
  detailedExitcode?: boolean;
  out?: string;
  refresh?: boolean;
}

interface ApplyCliOptions extends TargetOptions {
  autoApprove?: boolean;
  force?: boolean;
  refresh?: boolean;
}

export function registerPlanCommands(program: Command, run: CliRun): void {
  const { io } = run;
  const renderer = (format: Format) => rendererFor(format, { color: !run.noColor && colorWanted(io.stdout, io.env) });

  addTargetOptions(
    program
      .command('plan')
      .description('show what apply would change (reads live state; never writes)')
      .argument('<config...>', 'config file(s) or directory')
      .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when it has none')
      .option('--out <file>', 'also save the plan for `connectform apply <file>` (any file name; written readable by you only)')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (configPaths: string[], _opts: PlanOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as PlanOptions;
    if (opts.out) singleTarget(opts.target, "--out saves one target's plan");
    const plans = await planTargets(io, configPaths, opts);
    if (opts.out) writeSavedPlan(opts.out, plans[0], configPaths, opts.kinds as KindName[] | undefined);
    io.stdout.write(renderer(opts.format).plan(plans));
    if (opts.detailedExitcode && plans.some(hasChanges)) run.exitCode = 2;
  });

  addTargetOptions(
    program
      .command('drift')
      .description('report drift between the config and live state: exit 0 none, 2 drift, 1 error')
      .argument('<config...>', 'config file(s) or directory')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (configPaths: string[], _opts: PlanOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as PlanOptions;
    const plans = await planTargets(io, configPaths, opts);
    io.stdout.write(renderer(opts.format).plan(plans));
    run.exitCode = plans.some(hasChanges) ? 2 : 0;
  });

  program
    .command('show')
    .description('render a plan saved with plan --out (reads no live state)')
    .argument('<plan-file>', 'a file written by plan --out')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS as unknown as string[]).default('text'))
    .action((file: string, opts: { format: Format }) => {
      const saved = readSavedPlanIfAny(file);
      if (!saved) throw new UsageError(`${file} is not a plan saved by connectform plan --out`);
      io.stdout.write(renderer(opts.format).plan([saved]));
    });

  addTargetOptions(
    program
      .command('apply')
      .description('plan, confirm, then make the changes; or apply a plan saved with plan --out')
      .argument('<config-or-plan...>', 'config file(s)/directory, or one saved plan file')
      .option('--auto-approve', 'do not ask for confirmation (required when stdin is not a terminal)')
      .option('--force', 'apply even when deletes/replaces exceed the destroy threshold')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (args: string[], _opts: ApplyCliOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as ApplyCliOptions;
    const render = renderer(opts.format);
    const savedFile = args.length === 1 ? args[0] : undefined;
    const saved = savedFile ? readSavedPlanIfAny(savedFile) : undefined;
    const asked = saved ? singleTarget(opts.target, `${savedFile} is a plan for one target ("${saved.target}")`) : undefined;
    if (saved && asked !== undefined && asked !== saved.target) {
      throw new UsageError(`${savedFile} is a plan for target "${saved.target}", not "${asked}"; plan and apply the same target`);
    }
    if (saved && opts.kinds?.length) throw new UsageError(`${savedFile}: a saved plan is applied with the --kinds it was made with; drop --kinds`);
    const configPaths = saved ? savedConfigPaths(saved, savedFile!) : args;
    const sessionOpts: ApplyCliOptions = saved
      ? { ...opts, target: [saved.target], ...(saved.kinds ? { kinds: saved.kinds } : {}), refresh: true }
      : opts;
    const progress = createProgress(io.stderr, opts.format === 'text', io.env);
    const { withSessions } = await import('./runtime.js');
    const { assertSafe } = await import('../engine/apply.js');
    const reports = await withSessions(io, configPaths, sessionOpts, async (sessions) => {
      const out: ApplyReport[] = [];
      for (const session of sessions) {
        const plan = await planOne(session, progress);
        // The reviewed file is a checksum, never a script: apply what a plan made now says,
        // and only when that is exactly what was reviewed.
        if (saved) assertSamePlan(saved, plan, savedFile!);
        progress.stop();
        io.stdout.write(render.plan([plan]));
        if (!plan.changes.some((c) => c.action !== 'manual')) continue;
        assertSafe(plan, opts.force);
        await confirm(io, plan, opts.autoApprove);
        const count = plan.changes.filter((c) => c.action !== 'manual').length;
        progress.phase(`Applying ${count} change(s) to ${session.name}`);
        out.push(await session.apply(plan, { force: opts.force, onEvent: applyProgress(progress) }));
        progress.stop();
      }
      return out;
    });
    if (reports.length) io.stdout.write(render.report(reports));
    const failed = reports.reduce((n, r) => n + r.summary.failed, 0);
    if (failed) throw new ApplyFailedError(`${failed} change(s) failed; fix the cause and run apply again (it converges)`);
  });
}

/** Plan every chosen target concurrently (one combined result, in target order). */
async function planTargets(io: CliIO, configPaths: string[], opts: PlanOptions): Promise<Plan[]> {
  const progress = createProgress(io.stderr, opts.format === 'text', io.env);
  const { withSessions } = await import('./runtime.js');
  try {
    return await withSessions(io, configPaths, opts, (sessions) => {
      progress.phase(`Reading live state of ${sessions.map((s) => s.name).join(', ')}`);
      for (const s of sessions) s.onRead = (kind, name) => progress.step(`${s.name}: ${kind} ${name}`);
      return Promise.all(sessions.map((s) => s.plan()));
    });
  } finally {
    progress.stop();
  }
}

/** One target, its own progress phase (apply plans targets one at a time). */
async function planOne(session: TargetSession, progress: Progress): Promise<Plan> {
  progress.phase(`Reading live state of ${session.name}`);
  session.onRead = (kind, name) => progress.step(`${kind} ${name}`);
  return session.plan();
}

function applyProgress(progress: Progress) {
  return (e: ApplyEvent) => {
    if (e.type === 'done') progress.step(`${e.result?.status === 'ok' ? 'done' : e.result?.status}: ${e.change.action} ${e.change.kind} "${e.change.name}"`, true);
  };
}

async function confirm(io: CliIO, plan: Plan, autoApprove: boolean | undefined): Promise<void> {
  if (autoApprove) return;
  if (!io.stdin.isTTY) {
    throw new UsageError('refusing to apply without confirmation: stdin is not a terminal; pass --auto-approve (e.g. in CI)');
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`Apply these changes to ${plan.target}? Only "yes" proceeds: `);
    if (answer.trim() !== 'yes') throw new UsageError('apply cancelled');
  } finally {
    rl.close();
  }
}
