/**
 * `plan`, `apply`, `drift` and `show`.
 *   plan   — what apply would change; `--out FILE` saves it for `apply FILE`.
 *   apply  — plan (or re-derive a saved plan and check it is the one reviewed), confirm, carry out.
 *   drift  — for cron jobs: exit 0 no drift, 2 drift, 1 error; every target with `--target all`.
 *   show   — render a saved plan again (text, json, markdown).
 */
import { Option, type Command } from 'commander';
import { FORMATS, type Format } from '../render/formats.js';
import type { CliRun } from './io.js';
import { addTargetOptions } from './options.js';
import type { ApplyCliOptions, PlanOptions } from './plan-actions.js';

/**
 * The commands' work, loaded when one runs: registering them (for `--help`, or to run
 * `validate`) loads no engine or renderer.
 */
const actions = () => import('./plan-actions.js');

export function registerPlanCommands(program: Command, run: CliRun): void {
  addTargetOptions(
    program
      .command('plan')
      .description('show what apply would change (reads live state; never writes)')
      .argument('<config...>', 'config file(s) or directory')
      .option(
        '--detailed-exitcode',
        'exit 0 no changes, 2 changes apply would make, 3 changes apply would refuse (blocked), 1 error',
      )
      .option(
        '--out <file>',
        'also save the plan for `connectform apply <file>` (any file name; written readable by you only)',
      )
      .option('--refresh', 'ignore the snapshot cache and describe every resource'),
  ).action(async (configPaths: string[], _opts: PlanOptions, cmd: Command) =>
    (await actions()).planCommand(run, configPaths, cmd.optsWithGlobals() as PlanOptions),
  );

  addTargetOptions(
    program
      .command('drift')
      .description('report drift between the config and live state: exit 0 none, 2 drift, 1 error')
      .argument('<config...>', 'config file(s) or directory')
      .option('--cached', 'trust the snapshot cache (faster; a tag changed in the console may go unseen)'),
  ).action(async (configPaths: string[], _opts: PlanOptions & { cached?: boolean }, cmd: Command) =>
    (await actions()).driftCommand(run, configPaths, cmd.optsWithGlobals() as PlanOptions & { cached?: boolean }),
  );

  program
    .command('show')
    .description('render plans saved with plan --out, several as one document (reads no live state)')
    .argument('<plan-file...>', 'files written by plan --out (one per target)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS as unknown as string[]).default('text'),
    )
    .action(async (files: string[], opts: { format: Format }) => (await actions()).showCommand(run, files, opts));

  addTargetOptions(
    program
      .command('apply')
      .description('plan, confirm, then make the changes; or apply a plan saved with plan --out')
      .argument('<config-or-plan...>', 'config file(s)/directory, or one saved plan file')
      .option('--auto-approve', 'do not ask for confirmation (required when stdin is not a terminal)')
      .option('--force', 'apply even when deletes/replaces exceed the destroy threshold')
      .option('--refresh', 'ignore the snapshot cache and describe every resource')
      .option(
        '--config <paths...>',
        "with a saved plan: read the config from PATHs instead of the plan's recorded paths (their digests must still match)",
      ),
  ).action(async (args: string[], _opts: ApplyCliOptions, cmd: Command) =>
    (await actions()).applyCommand(run, args, cmd.optsWithGlobals() as ApplyCliOptions),
  );
}
