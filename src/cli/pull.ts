/**
 * `pull`: console edits written back into the config, surgically (src/engine/pull/). Prints a
 * unified diff per file, what was pulled with who changed it last, and what was left alone and
 * why; writes the files atomically unless --dry-run. See docs/PULL.md.
 */
import type { Command } from 'commander';
import type { CliRun } from './io.js';
import { addTargetOptions } from './options.js';
import type { PullCliOptions } from './pull-actions.js';

// What the command does is loaded when it runs (pull-actions.ts): registering it loads nothing more.
export function registerPullCommand(program: Command, run: CliRun): void {
  addTargetOptions(
    program
      .command('pull')
      .description('write live changes (console edits) back into the config files, touching only the changed values')
      .argument('<config...>', 'config file(s) or directory')
      .option('--dry-run', 'print the diff of each file and write nothing')
      .option(
        '--include-unmanaged <file>',
        'also add live resources the config does not declare, to this file (a config file, or a new one)',
      )
      .option(
        '--per-target',
        "a value the targets disagree on becomes ${var.NAME}, each target's value in its vars (default: reported, not written)",
      ),
  ).action(async (configPaths: string[], _opts: PullCliOptions, cmd: Command) =>
    (await import('./pull-actions.js')).pullCommand(run, configPaths, cmd.optsWithGlobals() as PullCliOptions),
  );
}
