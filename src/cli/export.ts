/**
 * `export`: write targets' live state as config. Without --out one YAML document goes to stdout
 * (one target: the resource lists; several: a whole config, vars included); with --out DIR, one
 * file per kind plus targets.yaml, so DIR is a config of its own: `plan DIR -t all` shows no
 * change for every target exported. See docs/EXPORT.md.
 */
import type { Command } from 'commander';
import type { CliRun } from './io.js';
import { addTargetOptions } from './options.js';
import type { ExportCliOptions } from './export-actions.js';

// What the command does is loaded when it runs (export-actions.ts): registering it loads nothing more.
export function registerExportCommand(program: Command, run: CliRun): void {
  addTargetOptions(
    program
      .command('export')
      .description(
        'write the live state of one or more targets (-t dev -t prod, or -t all) as one config: ids as names, values the targets differ in as vars, resources some targets lack with onlyTargets; a plan of it shows no change for any of them',
      )
      .argument('<config...>', 'config file(s) or directory that define the targets')
      .option(
        '-o, --out <dir>',
        'write one file per kind and targets.yaml into this directory (default: one YAML document on stdout)',
      )
      .option('--schema <ref>', 'path or URL for the "# yaml-language-server: $schema=" line of each file'),
  ).action(async (configPaths: string[], _opts: ExportCliOptions, cmd: Command) =>
    (await import('./export-actions.js')).exportCommand(run, configPaths, cmd.optsWithGlobals() as ExportCliOptions),
  );
}
