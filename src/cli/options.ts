/**
 * The options every target command shares, how they are parsed, and what the trusted side of the
 * run (flags, environment) tells the config resolver. Light on purpose: no SDK, no sandbox, so
 * `--help` and `validate` start fast.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { allowedEndpoints } from '../config/endpoints.js';
import { PARALLELISM, QUOTA_SCALE, type Range } from '../config/bounds.js';
import { joinPath } from '../config/annotations.js';
import { listTargets, varValueIssue, type LoadedConfig, type ResolveOptions, type VarValue } from '../config/index.js';
import { UsageError } from '../errors.js';
import { kindNames } from '../kinds/index.js';
import { FORMATS, type Format } from '../render/formats.js';

export interface TargetOptions {
  /** Every `-t NAME` given, in order; `all` alone means every target. */
  target?: string[];
  sandbox?: boolean;
  sandboxState?: string;
  /** `--state-dir`: where the journal, the snapshot cache and the --sandbox state live. */
  stateDir?: string;
  region?: string;
  profile?: string;
  parallelism?: number;
  quotaScale?: number;
  kinds?: string[];
  refresh?: boolean;
  format: Format;
  debug?: boolean;
  allowEndpoint?: string[];
  /** `--var NAME=VALUE`, in order. */
  var?: string[];
  /** `--var-file FILE`, in order (read before the --var flags, which win). */
  varFile?: string[];
  /** `--connect-timeout`, `--request-timeout`, in milliseconds. */
  connectTimeout?: number;
  requestTimeout?: number;
  /** `--public-env NAME`: environment variables the run vouches may be printed. */
  publicEnv?: string[];
}

/** The in-process sandbox runs the quotas this many times faster, so demos are quick. */
export const SANDBOX_QUOTA_SCALE = 10;

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option(...TARGET_OPTION)
    .option(
      '--sandbox',
      'run against an in-process sandbox (state in <state dir>/sandbox-state.json); no AWS account needed',
    )
    .option('--sandbox-state <file>', 'state file of the in-process sandbox')
    .option(...STATE_DIR_OPTION)
    .option('--region <region>', 'override the target region')
    .option('--profile <profile>', 'AWS shared-config profile (default credential chain otherwise)')
    .option(
      '--parallelism <n>',
      `most AWS requests in flight at once (${PARALLELISM.min}-${PARALLELISM.max}, like settings.parallelism)`,
      wholeNumberIn(PARALLELISM),
    )
    .option(
      '--quota-scale <x>',
      `multiply every client-side quota (tests, benchmarks; ${QUOTA_SCALE.min}-${QUOTA_SCALE.max})`,
      numberIn(QUOTA_SCALE),
    )
    .option(
      '--connect-timeout <seconds>',
      'give up connecting to an AWS endpoint after this long (default 10)',
      seconds(1, 600),
    )
    .option(
      '--request-timeout <seconds>',
      'give up on an AWS request that sent nothing back after this long (default 30)',
      seconds(1, 600),
    )
    .option('--kinds <kinds...>', `only these kinds (${kindNames().join(', ')})`)
    .option(...ALLOW_ENDPOINT_OPTION)
    .option(...VAR_OPTION)
    .option(...VAR_FILE_OPTION)
    .option(...PUBLIC_ENV_OPTION)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS as unknown as string[]).default('text'),
    );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Where apply's journal and the snapshot cache live; CI keeps this directory between runs. */
export const DEFAULT_STATE_DIR = '.connectform';

export const STATE_DIR_OPTION = [
  '--state-dir <dir>',
  `directory of the journal of interrupted applies and the snapshot cache (default ${DEFAULT_STATE_DIR}/, or CONNECTFORM_STATE_DIR); keep it between CI runs`,
] as const;

/** --state-dir, else CONNECTFORM_STATE_DIR, else `.connectform` (relative to the working directory). */
export function stateDirOf(opts: Pick<TargetOptions, 'stateDir'>, env: NodeJS.ProcessEnv): string {
  return opts.stateDir || env.CONNECTFORM_STATE_DIR || DEFAULT_STATE_DIR;
}

/** Repeatable: `-t staging -t prod` plans both; `-t all` every target. */
export const TARGET_OPTION = [
  '-t, --target <name>',
  'target to use (optional when the config has one); repeat for several; "all" for every target',
  collect,
] as const;

/** Repeatable: each use adds one URL. Shared by every command that resolves targets. */
export const ALLOW_ENDPOINT_OPTION = [
  '--allow-endpoint <url>',
  'let targets use this non-loopback endpoint (repeatable; also CONNECTFORM_ALLOW_ENDPOINTS); a config alone may only name loopback endpoints',
  collect,
] as const;

export const PUBLIC_ENV_OPTION = [
  '--public-env <name>',
  "print this environment variable's value in plans (values from ${env.NAME} are hidden otherwise; repeatable; also CONNECTFORM_PUBLIC_ENV=A,B)",
  collect,
] as const;

export const VAR_OPTION = [
  '--var <name=value>',
  "set a target variable, typed like a YAML scalar (--var sla=30 is a number); overrides the targets' vars; repeatable",
  collect,
] as const;
export const VAR_FILE_OPTION = [
  '--var-file <file>',
  "YAML mapping of variable names to values (scalars, lists, mappings), overriding the targets' vars; repeatable (later files and --var win)",
  collect,
] as const;

/** Names of the targets a command runs on: `all` → every one; none → the config's only one. */
export function chooseTargets(config: LoadedConfig, targets: string[] | undefined): (string | undefined)[] {
  if (!targets?.length) return [undefined];
  if (targets.includes('all')) {
    if (targets.length > 1) throw new UsageError('-t all already means every target; drop the other --target flags');
    return listTargets(config);
  }
  const dupes = targets.filter((t, i) => targets.indexOf(t) !== i);
  if (dupes.length) throw new UsageError(`--target ${dupes[0]} is given more than once`);
  return targets;
}

/** The one target a command works on (export, plan --out, saved plans): never several. */
export function singleTarget(targets: string[] | undefined, why: string): string | undefined {
  if (!targets?.length) return undefined;
  if (targets.length > 1 || targets[0] === 'all') throw new UsageError(`${why}; name one target with --target`);
  return targets[0];
}

/** What the trusted side of the run (flags, environment) says to the config resolver. */
export function resolveOptions(
  opts: Pick<TargetOptions, 'allowEndpoint' | 'var' | 'varFile' | 'publicEnv'>,
  env: NodeJS.ProcessEnv,
  config: LoadedConfig,
): ResolveOptions {
  return {
    allowedEndpoints: allowedEndpoints(opts.allowEndpoint, env),
    varOverrides: varOverrides(opts, config),
    publicEnv: opts.publicEnv ?? [],
  };
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A --var-file is a small mapping; anything larger is a mistake. */
const MAX_VAR_FILE_BYTES = 1024 * 1024;

/**
 * `--var-file` files then `--var` flags, later ones winning, like Terraform. Values are YAML
 * scalars (`30` a number, `true` a boolean, `"30"` a string); a file's may also be lists and
 * mappings, bounded as the config's own vars are. A name no target defines is an error: a typo
 * would otherwise change nothing, silently.
 */
export function varOverrides(
  opts: Pick<TargetOptions, 'var' | 'varFile'>,
  config: LoadedConfig,
): Record<string, VarValue> {
  const out: Record<string, VarValue> = {};
  /** `lists`: a file's value may be a list or mapping; a --var flag's is one scalar. */
  const set = (name: string, value: unknown, where: string, lists: boolean) => {
    if (!VAR_NAME.test(name))
      throw new UsageError(`${where}: '${name}' is not a variable name (letters, digits, _ and -)`);
    const structured = lists && value !== null && typeof value === 'object';
    if (!structured && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UsageError(
        `${where}: the value of '${name}' must be a string, number or boolean${lists ? ', or a list or mapping of them' : ''}`,
      );
    }
    const issue = structured ? varValueIssue(value, { types: true }) : undefined;
    if (issue) throw new UsageError(`${where}: ${joinPath(name, issue.path)}: ${issue.message}; ${issue.hint}`);
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const file of opts.varFile ?? []) {
    let doc: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      if (text.length > MAX_VAR_FILE_BYTES) throw new Error(`larger than ${MAX_VAR_FILE_BYTES} bytes`);
      doc = parseYaml(text, { maxAliasCount: 0 });
    } catch (err) {
      throw new UsageError(`--var-file ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new UsageError(`--var-file ${file}: expected a mapping of variable names to values`);
    for (const [name, value] of Object.entries(doc)) set(name, value, `--var-file ${file}`, true);
  }
  for (const pair of opts.var ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${pair}: expected NAME=VALUE`);
    const name = pair.slice(0, eq);
    let value: unknown;
    try {
      value = parseYaml(pair.slice(eq + 1) || '""', { maxAliasCount: 0 });
    } catch {
      value = pair.slice(eq + 1);
    }
    set(name, value ?? '', `--var ${name}`, false);
  }
  const defined = new Set(
    config.targets.flatMap((t) => (t.raw.vars && typeof t.raw.vars === 'object' ? Object.keys(t.raw.vars) : [])),
  );
  for (const name of Object.keys(out)) {
    if (!defined.has(name))
      throw new UsageError(
        `--var ${name}: no target defines a variable '${name}'${defined.size ? ` (defined: ${[...defined].sort().join(', ')})` : ''}; add it under targets.<name>.vars first`,
      );
  }
  return out;
}

/** The same ranges as the settings schema (config/bounds.ts): a flag is no way around them. */
export function wholeNumberIn(range: Range): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < range.min || n > range.max)
      throw new InvalidArgumentError(`expected a whole number from ${range.min} to ${range.max}`);
    return n;
  };
}

export function numberIn(range: Range): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < range.min || n > range.max)
      throw new InvalidArgumentError(`expected a number from ${range.min} to ${range.max}`);
    return n;
  };
}

/** A duration flag in seconds, bounded (a typo must not make a job wait for hours); milliseconds out. */
export function seconds(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected seconds from ${min} to ${max}`);
    return Math.round(n * 1000);
  };
}
