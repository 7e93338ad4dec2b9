/**
 * `plan`, `apply` and `drift`.
 *   plan   — what apply would change; `--out plan.json` saves it for `apply plan.json`.
 *   apply  — plan (or load a saved plan and check it is still current), confirm, carry out.
 *   drift  — for cron jobs: exit 0 no drift, 2 drift, 1 error; every target with `--target all`.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ApplyFailedError, UsageError } from '../errors.js';
import { assertSafe, type ApplyEvent, type ApplyReport } from '../engine/apply.js';
import { hasChanges, type Plan } from '../engine/plan.js';
import { assertPlanCurrent, isSavedPlanFile, readSavedPlan, writeSavedPlan } from '../engine/saved-plan.js';
import type { TargetSession } from '../engine/session.js';
import { restoreSecrets } from '../engine/redact.js';
import { colorWanted, rendererFor } from '../render/index.js';
import { createProgress, type Progress } from './progress.js';
import { addTargetOptions, withSessions, type TargetOptions } from './runtime.js';

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

export function registerPlanCommands(program: Command): void {
  addTargetOptions(
    program
      .command('plan')
      .description('show what apply would change (reads live state; never writes)')
      .argument('<config...>', 'config file(s) or directory')
      .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when it has none')
      .option('--out <file>', 'also save the plan (JSON) for `connectform apply <file>`')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (configPaths: string[], _opts: PlanOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as PlanOptions;
    if (opts.out && opts.target === 'all') throw new UsageError('--out saves one target\'s plan; name the target with --target');
    const plans = await planTargets(configPaths, opts);
    if (opts.out) writeSavedPlan(opts.out, plans[0], configPaths);
    process.stdout.write(rendererFor(opts.format, { color: colorWanted() }).plan(plans));
    if (opts.detailedExitcode && plans.some(hasChanges)) process.exitCode = 2;
  });

  addTargetOptions(
    program
      .command('drift')
      .description('report drift between the config and live state: exit 0 none, 2 drift, 1 error')
      .argument('<config...>', 'config file(s) or directory')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (configPaths: string[], _opts: PlanOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as PlanOptions;
    const plans = await planTargets(configPaths, opts);
    process.stdout.write(rendererFor(opts.format, { color: colorWanted() }).plan(plans));
    process.exitCode = plans.some(hasChanges) ? 2 : 0;
  });

  addTargetOptions(
    program
      .command('apply')
      .description('plan, confirm, then make the changes; or apply a plan saved with plan --out')
      .argument('<config-or-plan...>', 'config file(s)/directory, or one saved plan file (.json)')
      .option('--auto-approve', 'do not ask for confirmation (required when stdin is not a terminal)')
      .option('--force', 'apply even when deletes/replaces exceed the destroy threshold')
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (args: string[], _opts: ApplyCliOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as ApplyCliOptions;
    const render = rendererFor(opts.format, { color: colorWanted() });
    const savedFile = args.length === 1 && isSavedPlanFile(args[0]) ? args[0] : undefined;
    const saved = savedFile ? readSavedPlan(savedFile) : undefined;
    const configPaths = saved ? saved.configPaths : args;
    if (saved) opts.target = saved.target;
    const progress = createProgress(process.stderr, opts.format === 'text');
    const reports = await withSessions(configPaths, { ...opts, refresh: opts.refresh || Boolean(saved) }, async (sessions) => {
      const out: ApplyReport[] = [];
      for (const session of sessions) {
        let plan = saved ?? (await planOne(session, progress));
        if (saved) {
          progress.phase(`Checking that the saved plan for ${session.name} is still current`);
          // Planning again reads live state; the saved file holds markers where sensitive
          // values go, and the fresh plan supplies them (redact.ts restoreSecrets).
          const restored = restoreSecrets(saved, await session.plan());
          assertPlanCurrent(restored, { configFingerprint: session.configFingerprint(), scope: session.scope, target: session.name }, session.live);
          plan = restored;
        }
        progress.stop();
        process.stdout.write(render.plan([plan]));
        if (!plan.changes.some((c) => c.action !== 'manual')) continue;
        assertSafe(plan, opts.force);
        await confirm(plan, opts.autoApprove);
        const count = plan.changes.filter((c) => c.action !== 'manual').length;
        progress.phase(`Applying ${count} change(s) to ${session.name}`);
        out.push(await session.apply(plan, { force: opts.force, onEvent: applyProgress(progress) }));
        progress.stop();
      }
      return out;
    });
    if (reports.length) process.stdout.write(render.report(reports));
    const failed = reports.reduce((n, r) => n + r.summary.failed, 0);
    if (failed) throw new ApplyFailedError(`${failed} change(s) failed; fix the cause and run apply again (it converges)`);
  });
}

/** Plan every chosen target concurrently (one combined result, in target order). */
async function planTargets(configPaths: string[], opts: PlanOptions): Promise<Plan[]> {
  const progress = createProgress(process.stderr, opts.format === 'text');
  try {
    return await withSessions(configPaths, opts, (sessions) => {
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

async function confirm(plan: Plan, autoApprove: boolean | undefined): Promise<void> {
  if (autoApprove) return;
  if (!process.stdin.isTTY) {
    throw new UsageError('refusing to apply without confirmation: stdin is not a terminal; pass --auto-approve (e.g. in CI)');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Apply these changes to ${plan.target}? Only "yes" proceeds: `);
    if (answer.trim() !== 'yes') throw new UsageError('apply cancelled');
  } finally {
    rl.close();
  }
}
