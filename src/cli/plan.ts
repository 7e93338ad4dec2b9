/**
 * `plan` and `apply`: plan prints what would change; apply prints the plan, asks (on a TTY),
 * then carries it out and reports per change.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ApplyFailedError, UsageError } from '../errors.js';
import { assertSafe, type ApplyReport } from '../engine/apply.js';
import { hasChanges, type Plan } from '../engine/plan.js';
import { colorWanted, rendererFor } from '../render/index.js';
import { addTargetOptions, withSessions, type TargetOptions } from './runtime.js';

interface PlanOptions extends TargetOptions {
  detailedExitcode?: boolean;
}

interface ApplyCliOptions extends TargetOptions {
  autoApprove?: boolean;
  force?: boolean;
}

export function registerPlanCommands(program: Command): void {
  addTargetOptions(
    program
      .command('plan')
      .description('show what apply would change (reads live state; never writes)')
      .argument('<config...>', 'config file(s) or directory')
      .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when it has none'),
  ).action(async (configPaths: string[], opts: PlanOptions, cmd: Command) => {
    const global = cmd.optsWithGlobals() as PlanOptions;
    const plans = await withSessions(configPaths, global, (sessions) => Promise.all(sessions.map((s) => s.plan())));
    process.stdout.write(rendererFor(global.format, { color: colorWanted() }).plan(plans));
    if (global.detailedExitcode && plans.some(hasChanges)) process.exitCode = 2;
  });

  addTargetOptions(
    program
      .command('apply')
      .description('plan, confirm, then make the changes')
      .argument('<config...>', 'config file(s) or directory')
      .option('--auto-approve', 'do not ask for confirmation (required when stdin is not a terminal)')
      .option('--force', 'apply even when deletes/replaces exceed the destroy threshold'),
  ).action(async (configPaths: string[], _opts: ApplyCliOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals() as ApplyCliOptions;
    const render = rendererFor(opts.format, { color: colorWanted() });
    const reports = await withSessions(configPaths, opts, async (sessions) => {
      const out: ApplyReport[] = [];
      for (const session of sessions) {
        const plan = await session.plan();
        process.stdout.write(render.plan([plan]));
        if (!hasChanges(plan)) continue;
        assertSafe(plan, opts.force);
        if (plan.changes.every((c) => c.action === 'manual')) continue;
        await confirm(plan, opts.autoApprove);
        out.push(await session.apply(plan, { force: opts.force, onEvent: progressLine(opts) }));
      }
      return out;
    });
    if (reports.length) process.stdout.write(render.report(reports));
    const failed = reports.reduce((n, r) => n + r.summary.failed, 0);
    if (failed) throw new ApplyFailedError(`${failed} change(s) failed; fix the cause and run apply again (it converges)`);
  });
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

/** A plain line per finished change on stderr (stdout keeps the machine-readable output). */
function progressLine(opts: TargetOptions) {
  if (opts.format !== 'text') return undefined;
  return (e: { type: string; change: { action: string; kind: string; name: string }; result?: { status: string } }) => {
    if (e.type === 'done') process.stderr.write(`${e.result?.status === 'ok' ? 'done' : e.result?.status}: ${e.change.action} ${e.change.kind} "${e.change.name}"\n`);
  };
}
