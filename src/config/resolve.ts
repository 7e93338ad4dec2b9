/**
 * One target's view of the config: pick the target, interpolate its own fields (`${env.X}`
 * only) and every resource that goes to it (`onlyTargets` / `exceptTargets`,
 * target-selection.ts) with `${var.x}` from that target and `${env.X}`, and hand back
 * DeclaredResources that still know where each of their values was written.
 */
import { CHATBOT_REGIONS } from '../aws/chatbot-regions.js';
import { ConfigError, UsageError, type Problem, type SourcePos } from '../errors.js';
import type { DeclaredResource, Lifecycle, Path } from '../kinds/types.js';
import { didYouMean, joinPath, sortProblems } from './annotations.js';
import { MAX_COLLECTED_PROBLEMS, MAX_VAR_EXPANSION } from './bounds.js';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from './generate-schemas.js';
import { checkEndpoint } from './endpoints.js';
import { interpolate, sensitiveVar, varValueIssue, type Env, type SensitiveVar, type VarValue } from './interpolate.js';
import { appliesTo, selectionOf, type TargetSelection } from './target-selection.js';
import type { LoadedConfig, LoadedItem, LoadedTarget, ResolvedTargetConfig } from './load.js';
import { PUBLIC_ENV_VARIABLE, Redactor, parsePublicEnv, sensitiveMarker, type SensitiveValue } from '../sensitive.js';

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
  /** `onlyTargets` / `exceptTargets`, when the item has them (this target is among its targets). */
  selection?: TargetSelection;
  keyPositionOf(path: Path): SourcePos;
}

export interface ResolvedTarget {
  target: ResolvedTargetConfig;
  resources: ConfigResource[];
  /** The loader's document problems plus this target's interpolation/target-field problems. */
  problems: Problem[];
  /** Target fields (`region`, `vars.x`, ...) whose value used sensitive variables → their `env.NAME`s. */
  sensitiveFields: Record<string, string[]>;
  /** Scrubs every sensitive value this target used out of any text (wrap output with it). */
  redactor: Redactor;
}

/** What the trusted side (flags, the CI's environment) says about this run; never the config. */
export interface ResolveOptions {
  /**
   * Variables the run declares printable (`--public-env NAME`); `CONNECTFORM_PUBLIC_ENV=A,B` in
   * `env` adds to them. Never read from the config: a pull request can edit the config, not CI.
   */
  publicEnv?: Iterable<string>;
  /** Non-loopback endpoints a target may use (`--allow-endpoint`, CONNECTFORM_ALLOW_ENDPOINTS). */
  allowedEndpoints?: readonly string[];
  /** `--var` / `--var-file`: replace the target's own vars of those names. */
  varOverrides?: Readonly<Record<string, VarValue>>;
}

/** Variables named public by `options` and by CONNECTFORM_PUBLIC_ENV in `env`. */
export function publicEnvOf(env: Env, options: ResolveOptions = {}): Set<string> {
  return new Set([...(options.publicEnv ?? []), ...parsePublicEnv(env[PUBLIC_ENV_VARIABLE])]);
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
  if (!names.length)
    throw new UsageError('the config defines no targets; add a targets: mapping with region and instanceId');
  throw new UsageError(`the config defines ${names.length} targets (${names.join(', ')}); choose one with --target`);
}

/** Target fields that take `${env.X}`; `endpoint` never does (see endpoints.ts). */
const TARGET_FIELDS = [
  'region',
  'chatbotRegion',
  'instanceId',
  'profile',
  'accountId',
  'roleArn',
  'externalId',
  'roleSessionName',
] as const;
// The STS model's constraints (src/aws/models/sts.json: roleSessionNameType, externalIdType).
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * An instance ARN, `arn:aws:connect:REGION:ACCOUNT:instance/UUID`: AWS's own CloudFormation
 * handlers pass it as InstanceId, so a target may name its instance so (docs/CONFIGURATION.md).
 */
const INSTANCE_ARN = /^arn:aws[\w-]*:connect:([^:]*):(\d*):instance\/([^/]+)$/;

interface ResolvedFields {
  target: ResolvedTargetConfig;
  problems: Problem[];
  /** `region`, `vars.x`, ... → the sensitive variables its value used. */
  sensitive: Record<string, string[]>;
  /** The vars among them, with their shown form, for the resources' interpolation. */
  sensitiveVars: Record<string, SensitiveVar>;
}

/** Interpolate (env only) and check the target's own fields. */
function resolveTargetFields(
  t: LoadedTarget,
  env: Env,
  publicEnv: ReadonlySet<string>,
  options: ResolveOptions,
): ResolvedFields {
  const problems: Problem[] = [];
  const where = `targets.${t.name}`;
  const err = (path: Path, message: string, hint?: string) =>
    problems.push({
      severity: 'error',
      message: `${joinPath(where, path)}: ${message}`,
      ...(hint ? { hint } : {}),
      pos: t.positionOf(path),
      path: joinPath(where, path),
    });

  const fields: Record<string, string | undefined> = {};
  const sensitive: Record<string, string[]> = {};
  const sensitiveVars: Record<string, SensitiveVar> = {};
  const unresolved = new Set<string>(); // already reported; its format is unknown
  const scope = { env, targetName: t.name, publicEnv };
  for (const field of TARGET_FIELDS) {
    const raw = t.raw[field];
    if (typeof raw !== 'string') continue; // absent, or a type error the document check reported
    const r = interpolate(raw, scope, [field]);
    for (const issue of r.issues) err(issue.path, issue.message, issue.hint);
    fields[field] = String(r.value);
    if (r.sensitive.length) sensitive[field] = r.sensitive[0].sources;
    if (r.issues.length) unresolved.add(field);
  }
  if (typeof t.raw.endpoint === 'string') {
    const issue = checkEndpoint(t.raw.endpoint, options.allowedEndpoints ?? []);
    if (issue) err(['endpoint'], issue.message, issue.hint);
    else fields.endpoint = t.raw.endpoint;
  }
  const vars: Record<string, VarValue> = {};
  const rawVars = t.raw.vars;
  if (rawVars !== null && typeof rawVars === 'object' && !Array.isArray(rawVars)) {
    for (const [name, value] of Object.entries(rawVars)) {
      if (typeof value === 'number' || typeof value === 'boolean') {
        vars[name] = value;
        continue;
      }
      if (typeof value !== 'string' && (value === null || typeof value !== 'object')) continue; // the schema said so
      // A list or mapping: bounded like the document around it (a null in it: the schema said so).
      const bound = typeof value === 'object' ? varValueIssue(value) : undefined;
      if (bound) err(['vars', name, ...bound.path], bound.message, bound.hint);
      // Strings in it take ${env.X} as a string var does; each sensitive one is tracked by its path.
      const r = interpolate(value, scope, ['vars', name]);
      for (const issue of r.issues) err(issue.path, issue.message, issue.hint);
      vars[name] = r.value as VarValue;
      if (r.sensitive.length) {
        const parts = r.sensitive.map((s) => ({ ...s, path: s.path.slice(2) }));
        sensitiveVars[name] = sensitiveVar(vars[name], parts);
        sensitive[`vars.${name}`] = [...sensitiveVars[name].sources];
      }
    }
  }
  // Only names the target defines: another target's variable is not this one's. A value given on
  // the command line is the trusted side's own, so it is no longer an environment value.
  for (const [name, value] of Object.entries(options.varOverrides ?? {})) {
    if (!Object.hasOwn(vars, name)) continue;
    vars[name] = value;
    delete sensitive[`vars.${name}`];
    delete sensitiveVars[name];
  }

  // Formats are checked after interpolation, where the real values are known; a message quotes
  // a sensitive value by its marker only.
  const known = (field: string) => (unresolved.has(field) ? undefined : fields[field]);
  const quote = (field: string, value: string) => (sensitive[field] ? sensitiveMarker(sensitive[field]) : `'${value}'`);
  const [region, chatbotRegion, instanceId, accountId] = ['region', 'chatbotRegion', 'instanceId', 'accountId'].map(
    known,
  );
  let instanceAccountId: string | undefined;
  if (region !== undefined && !new RegExp(REGION_PATTERN).test(region))
    err(['region'], `${quote('region', region)} is not an AWS region`, 'e.g. us-east-1');
  if (chatbotRegion !== undefined && !new RegExp(REGION_PATTERN).test(chatbotRegion))
    err(['chatbotRegion'], `${quote('chatbotRegion', chatbotRegion)} is not an AWS region`, 'e.g. us-east-2');
  // Chatbot answers in the regions its model names only: no Chatbot call is ever sent elsewhere.
  else if (chatbotRegion !== undefined && !CHATBOT_REGIONS.includes(chatbotRegion))
    err(
      ['chatbotRegion'],
      `${quote('chatbotRegion', chatbotRegion)}: the AWS Chatbot API answers only in ${CHATBOT_REGIONS.join(', ')}`,
      'custom actions belong to the account: pick one of those regions',
    );
  const arn = instanceId === undefined ? null : INSTANCE_ARN.exec(instanceId);
  if (arn) {
    // The ARN names the instance: the calls take the UUID at its end; its region must be the
    // target's and its account the credentials' (checked once they are known, session.ts).
    const [, arnRegion, arnAccount, uuid] = arn;
    const shown = (value: string) => (sensitive.instanceId ? sensitiveMarker(sensitive.instanceId) : `'${value}'`);
    if (!uuid || uuid.length > 100 || /\s/.test(uuid))
      err(['instanceId'], `${shown(instanceId!)} does not end in a Connect instance id`, 'the id is a UUID');
    if (!new RegExp(ACCOUNT_ID_PATTERN).test(arnAccount))
      err(['instanceId'], `${shown(instanceId!)} has no 12-digit account id`, 'copy the ARN from the Connect console');
    if (region !== undefined && new RegExp(REGION_PATTERN).test(region) && arnRegion !== region)
      err(
        ['instanceId'],
        `the instance ARN is in region ${sensitive.instanceId ? '(sensitive)' : `'${arnRegion}'`}, but the target's region is ${quote('region', region)}`,
        "use the ARN of the target region's instance, or correct region",
      );
    if (accountId !== undefined && arnAccount !== accountId)
      err(
        ['instanceId'],
        `the instance ARN is in another account than the target's accountId ${quote('accountId', accountId)}`,
        'use the ARN of the instance in that account, or correct accountId',
      );
    fields.instanceId = uuid;
    instanceAccountId = arnAccount;
  } else if (instanceId !== undefined) {
    if (!instanceId || instanceId.length > 100 || /\s/.test(instanceId))
      err(
        ['instanceId'],
        `${quote('instanceId', instanceId)} is not a Connect instance id`,
        'the id is the UUID at the end of the instance ARN',
      );
  }
  if (accountId !== undefined && !new RegExp(ACCOUNT_ID_PATTERN).test(accountId))
    err(['accountId'], `${quote('accountId', accountId)} is not a 12-digit AWS account id`);
  const [roleArn, externalId, roleSessionName] = ['roleArn', 'externalId', 'roleSessionName'].map(known);
  if (roleArn !== undefined && !new RegExp(ROLE_ARN_PATTERN).test(roleArn))
    err(
      ['roleArn'],
      `${quote('roleArn', roleArn)} is not an IAM role ARN`,
      'e.g. arn:aws:iam::123456789012:role/connectform-deploy',
    );
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId))
    err(['externalId'], 'must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  if (roleSessionName !== undefined && !ROLE_SESSION_NAME.test(roleSessionName))
    err(
      ['roleSessionName'],
      `${quote('roleSessionName', roleSessionName)} must be 2 to 64 characters of letters, digits and +=,.@-`,
    );
  for (const needsRole of ['externalId', 'roleSessionName'] as const) {
    if (fields[needsRole] !== undefined && fields.roleArn === undefined)
      err([needsRole], 'has no effect without roleArn', 'add the roleArn to assume, or remove it');
  }

  const target: ResolvedTargetConfig = {
    name: t.name,
    region: fields.region ?? '',
    ...(fields.chatbotRegion !== undefined ? { chatbotRegion: fields.chatbotRegion } : {}),
    instanceId: fields.instanceId ?? '',
    ...(typeof t.raw.instanceId === 'string' ? { instanceIdPos: t.positionOf(['instanceId']) } : {}),
    ...(instanceAccountId !== undefined ? { instanceAccountId } : {}),
    ...(fields.profile !== undefined ? { profile: fields.profile } : {}),
    ...(fields.endpoint !== undefined ? { endpoint: fields.endpoint } : {}),
    ...(fields.accountId !== undefined
      ? { accountId: fields.accountId, accountIdPos: t.positionOf(['accountId']) }
      : {}),
    ...(fields.roleArn !== undefined ? { roleArn: fields.roleArn } : {}),
    ...(fields.externalId !== undefined ? { externalId: fields.externalId } : {}),
    ...(fields.roleSessionName !== undefined ? { roleSessionName: fields.roleSessionName } : {}),
    vars,
    file: t.file,
    pos: t.pos,
  };
  return { target, problems, sensitive, sensitiveVars };
}

function toResource(
  item: LoadedItem,
  selection: TargetSelection,
  body: unknown,
  lifecycle: unknown,
  sensitive: SensitiveValue[],
): ConfigResource {
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
    ...(Object.keys(selection).length ? { selection } : {}),
    ...(sensitive.length ? { sensitive } : {}),
  };
}

/** A redactor for every sensitive variable named in `sources`, with its value in `env`. */
function redactorFor(sources: Iterable<string>, env: Env): Redactor {
  const entries: { source: string; value: string }[] = [];
  for (const source of new Set(sources)) {
    const name = source.slice('env.'.length);
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value !== undefined) entries.push({ source, value });
  }
  return new Redactor(entries);
}

/**
 * Resolve `targetName` (optional when the config has exactly one target). Throws UsageError
 * when no target can be chosen; everything else comes back in `problems`, sorted.
 */
export function resolveTarget(
  config: LoadedConfig,
  targetName: string | undefined,
  env: Env = process.env,
  options: ResolveOptions = {},
): ResolvedTarget {
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
        {
          severity: 'error',
          message: 'the config defines no targets',
          hint: 'add a targets: mapping with region and instanceId',
          pos: { file: config.files[0], line: 1, col: 1 },
        },
      ]);
    }
    throw err;
  }
  const publicEnv = publicEnvOf(env, options);
  const fields = resolveTargetFields(picked, env, publicEnv, options);
  const { target, problems } = fields;
  // Past MAX_COLLECTED_PROBLEMS interpolation problems the rest are counted, not built.
  const budget = { left: MAX_COLLECTED_PROBLEMS, unlisted: 0 };
  const scope = {
    expansion: { left: MAX_VAR_EXPANSION },
    vars: target.vars,
    env,
    targetName: target.name,
    publicEnv,
    sensitiveVars: fields.sensitiveVars,
    budget,
  };
  let firstUnlisted: LoadedItem | undefined;
  const used: string[] = Object.values(fields.sensitive).flat();

  // An item for other targets only is not declared here: left alone, or pruned as any undeclared one.
  const resources = config.items.flatMap((item) => {
    const selection = selectionOf(item);
    if (!appliesTo(selection, target.name)) return [];
    const body = interpolate(item.body, scope);
    const lifecycle =
      'rawLifecycle' in item
        ? interpolate(item.rawLifecycle, scope, ['lifecycle'])
        : { value: undefined, issues: [], sensitive: [] };
    for (const issue of [...body.issues, ...lifecycle.issues]) {
      const path = joinPath(item.label, issue.path);
      problems.push({
        severity: 'error',
        message: `${path}: ${issue.message}`,
        ...(issue.hint ? { hint: issue.hint } : {}),
        pos: item.positionOf(issue.path),
        path,
      });
    }
    for (const s of [...body.sensitive, ...lifecycle.sensitive]) used.push(...s.sources);
    if (budget.unlisted) firstUnlisted ??= item;
    return [toResource(item, selection, body.value, lifecycle.value, body.sensitive)];
  });
  if (firstUnlisted) {
    problems.push({
      severity: 'error',
      message: `${firstUnlisted.label}: ${budget.unlisted} more \${...} problems from here on are not listed`,
      hint: 'fix the ones listed and validate again',
      pos: firstUnlisted.pos,
      path: firstUnlisted.label,
    });
  }
  const redactor = redactorFor(used, env);
  // Validation quotes values in its messages: it scrubs them with this. Not enumerable, so a
  // resource still compares and serializes as plain data.
  for (const r of resources) Object.defineProperty(r, 'redactor', { value: redactor, enumerable: false });
  return {
    target,
    resources,
    problems: sortProblems([...config.problems, ...problems].map((p) => redactor.scrubProblem(p))),
    sensitiveFields: fields.sensitive,
    redactor,
  };
}
