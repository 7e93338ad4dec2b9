/**
 * `targets`: the config's target names, one per line, or a JSON array with --json (a CI
 * matrix: `strategy.matrix.target: ${{ fromJSON(needs.targets.outputs.list) }}`). Offline.
 */
import type { Command } from 'commander';
import { listTargets, loadConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { escapeTerminal } from '../render/escape.js';
import type { CliRun } from './io.js';

export function registerTargetsCommand(program: Command, { io }: CliRun): void {
  program
    .command('targets')
    .description('list the targets a config defines (one per line, or --json for a CI matrix)')
    .argument('<config...>', 'config file(s) or directory')
    .option('--json', 'print a JSON array of target names')
    .action(async (configPaths: string[], opts: { json?: boolean }) => {
      const config = await loadConfig(configPaths);
      const errors = config.problems.filter((p) => p.severity === 'error');
      if (errors.length) throw new ConfigError(errors);
      const names = listTargets(config);
      io.stdout.write(opts.json ? `${JSON.stringify(names)}\n` : names.map((n) => `${escapeTerminal(n)}\n`).join(''));
    });
}
