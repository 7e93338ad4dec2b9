/**
 * One target's view of the config: pick the target, interpolate its own fields (`${env.X}`
 * only) and every resource (`${var.x}` from that target, `${env.X}`), and hand back
 * DeclaredResources that still know where each of their values was written.
 */
import { ConfigError, UsageError, type Problem, type SourcePos } from '../errors.js';
import type { DeclaredResource, Lifecycle, Path } from '../kinds/types.js';
import { didYouMean, joinPath, sortProblems } from './annotations.js';
import { MAX_COLLECTED_PROBLEMS } from './bounds.js';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './generate-schemas.js';
import { interpolate, type Env, type VarValue } from './interpolate.js';
import type { LoadedConfig, LoadedItem, LoadedTarget, ResolvedTargetConfig } from './load.js';

export type { LoadedConfig, ResolvedTargetConfig, Settings } from './load.js';

/** A DeclaredResource plus what messages need: its label and key positions. */
export interface ConfigResource extends DeclaredResource {
  /** `rules[3]` (index within its file's list). */
  label: string;
  file: string;
  /** The body as written, before interpolation. */
  rawBody: DeclaredResource['body'];
  /** The lifecycle as written (interpolated), when present; validation checks its shape. */
  rawLifecycle?: unknown;
  keyPositionOf(path: Path): SourcePos;
}

export interface ResolvedTarget {
  target: ResolvedTargetConfig;
  resources: ConfigResource[];
  /** The loader's document problems plus this target's interpolation/target-field problems. */
  problems: Problem[];
}

/** Target names in declaration order. */
export function listTargets(config: LoadedConfig): string[] {
  return config.targets.map((t) => t.name);
}

function pickTarget(config: LoadedConfig, name: string | undefined): LoadedTarget {
  const names = listTargets(config);
  if (name !== undefined) {
    const found = config.targets.find((t) => t.name === name);
    if (found) return found;
    throw new UsageError(
      names.length
        ? `unknown target '${name}'; the config defines ${names.join(', ')}${didYouMean(name, names)}`
        : `unknown target '${name}'; the config defines no targets (add a targets: mapping)`,
    );
  }
  if (names.length === 1) return config.targets[0];
  if (!names.length) throw new UsageError('the config defines no targets; add a targets: mapping with region and instanceId');
  throw new UsageError(`the config defines ${names.length} targets (${names.join(', ')}); choose one with --target`);
}

const TARGET_FIELDS = ['region', 'chatbotRegion', 'instanceId', 'profile', 'endpoint', 'accountId'] as const;
const INSTANCE_ARN = /^arn:aws[\w-]*:connect:[^:]*:\d*:instance\/([^/]+)$/;

/** Interpolate (env only) and check the target's own fields. */
function resolveTargetFields(t: LoadedTarget, env: Env): { target: ResolvedTargetConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const where = `targets.${t.name}`;
  const err = (path: Path, message: string, hint?: string) =>
    problems.push({ severity: 'error', message: `${joinPath(where, path)}: ${message}`, ...(hint ? { hint } : {}), pos: t.positionOf(path), path: joinPath(where, path) });

  const fields: Record<string, string | undefined> = {};
  const unresolved = new Set<string>(); // already reported; its format is unknown
  for (const field of TARGET_FIELDS) {
    const raw = t.raw[field];
    if (typeof raw !== 'string') continue; // absent, or a type error the document check reported
    const r = interpolate(raw, { env, targetName: t.name }, [field]);
    for (const issue of r.issues) err(issue.path, issue.message, issue.hint);
    fields[field] = String(r.value);
    if (r.issues.length) unresolved.add(field);
  }
  const vars: Record<string, VarValue> = {};
  const rawVars = t.raw.vars;
  if (rawVars !== null && typeof rawVars === 'object' && !Array.isArray(rawVars)) {
    for (const [name, value] of Object.entries(rawVars)) {
      if (typeof value === 'string') {
        const r = interpolate(value, { env, targetName: t.name }, ['vars', name]);
        for (const issue of r.issues) err(issue.path, issue.message, issue.hint);
        vars[name] = String(r.value);
      } else if (typeof value === 'number' || typeof value === 'boolean') vars[name] = value;
    }
  }

  // Formats are checked after interpolation, where the real values are known.
  const known = (field: string) => (unresolved.has(field) ? undefined : fields[field]);
  const [region, chatbotRegion, instanceId, endpoint, accountId] = ['region', 'chatbotRegion', 'instanceId', 'endpoint', 'accountId'].map(known);
  if (region !== undefined && !new RegExp(REGION_PATTERN).test(region)) err(['region'], `'${region}' is not an AWS region`, 'e.g. us-east-1');
  if (chatbotRegion !== undefined && !new RegExp(REGION_PATTERN).test(chatbotRegion)) err(['chatbotRegion'], `'${chatbotRegion}' is not an AWS region`, 'e.g. us-east-2');
  if (instanceId !== undefined) {
    const arn = INSTANCE_ARN.exec(instanceId);
    if (arn) err(['instanceId'], 'is an instance ARN; connectform wants the instance id', `use '${arn[1]}'`);
    else if (!instanceId || instanceId.length > 100 || /\s/.test(instanceId)) err(['instanceId'], `'${instanceId}' is not a Connect instance id`, 'the id is the UUID at the end of the instance ARN');
  }
  if (endpoint !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok) err(['endpoint'], `'${endpoint}' is not an http(s) URL`, 'e.g. http://127.0.0.1:4566');
  }
  if (accountId !== undefined && !new RegExp(ACCOUNT_ID_PATTERN).test(accountId)) err(['accountId'], `'${accountId}' is not a 12-digit AWS account id`);

  const target: ResolvedTargetConfig = {
    name: t.name,
    region: fields.region ?? '',
    ...(fields.chatbotRegion !== undefined ? { chatbotRegion: fields.chatbotRegion } : {}),
    instanceId: fields.instanceId ?? '',
    ...(fields.profile !== undefined ? { profile: fields.profile } : {}),
    ...(fields.endpoint !== undefined ? { endpoint: fields.endpoint } : {}),
    ...(fields.accountId !== undefined ? { accountId: fields.accountId } : {}),
    vars,
    file: t.file,
    pos: t.pos,
  };
  return { target, problems };
}

function toResource(item: LoadedItem, body: unknown, lifecycle: unknown): ConfigResource {
  const isObject = lifecycle !== null && typeof lifecycle === 'object' && !Array.isArray(lifecycle);
  return {
    kind: item.kind,
    body: body as ConfigResource['body'],
    // Shape errors in the lifecycle are reported by validation; the engine only sees a mapping.
    lifecycle: (isObject ? lifecycle : {}) as Lifecycle,
    pos: item.pos,
    positionOf: item.positionOf,
    keyPositionOf: item.keyPositionOf,
    label: item.label,
    file: item.file,
    rawBody: item.body,
    ...('rawLifecycle' in item ? { rawLifecycle: lifecycle } : {}),
  };
}

/**
 * Resolve `targetName` (optional when the config has exactly one target). Throws UsageError
 * when no target can be chosen; everything else comes back in `problems`, sorted.
 */
export function resolveTarget(config: LoadedConfig, targetName: string | undefined, env: Env = process.env): ResolvedTarget {
  let picked: LoadedTarget;
  try {
    picked = pickTarget(config, targetName);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // A broken document (a misspelt `targets:`, a root or `targets` that is not a mapping)
    // explains a missing target better than "no targets": report its problems, positioned.
    if (config.problems.some((p) => p.severity === 'error')) throw new ConfigError(config.problems);
    // No target anywhere is a problem of the config as a whole: the first file is the place.
    if (!config.targets.length && config.files.length) {
      throw new ConfigError([
        { severity: 'error', message: 'the config defines no targets', hint: 'add a targets: mapping with region and instanceId', pos: { file: config.files[0], line: 1, col: 1 } },
      ]);
    }
    throw err;
  }
  const { target, problems } = resolveTargetFields(picked, env);
  // Past MAX_COLLECTED_PROBLEMS interpolation problems the rest are counted, not built.
  const budget = { left: MAX_COLLECTED_PROBLEMS, unlisted: 0 };
  const scope = { vars: target.vars, env, targetName: target.name, budget };
  let firstUnlisted: LoadedItem | undefined;

  const resources = config.items.map((item) => {
    const body = interpolate(item.body, scope);
    const lifecycle = 'rawLifecycle' in item ? interpolate(item.rawLifecycle, scope, ['lifecycle']) : { value: undefined, issues: [] };
    for (const issue of [...body.issues, ...lifecycle.issues]) {
      const path = joinPath(item.label, issue.path);
      problems.push({ severity: 'error', message: `${path}: ${issue.message}`, ...(issue.hint ? { hint: issue.hint } : {}), pos: item.positionOf(issue.path), path });
    }
    if (budget.unlisted) firstUnlisted ??= item;
    return toResource(item, body.value, lifecycle.value);
  });
  if (firstUnlisted) {
    problems.push({ severity: 'error', message: `${firstUnlisted.label}: ${budget.unlisted} more \${...} problems from here on are not listed`, hint: 'fix the ones listed and validate again', pos: firstUnlisted.pos, path: firstUnlisted.label });
  }
  return { target, resources, problems: sortProblems([...config.problems, ...problems]) };
}
