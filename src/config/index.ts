/**
 * The config layer's one door: load the files (YAML with positions), resolve one target
 * (variables, environment, trust options) and validate (schema + each kind's audit), returning
 * every problem at once. Outside config/, load.ts, resolve.ts, validate.ts and interpolate.ts are
 * reached only through here (layer rule `config-one-door`). The config format's constants and
 * pure helpers keep their own modules and are imported directly, since they load, resolve and
 * validate nothing: bounds.ts, endpoints.ts (the endpoint policy cli/options.ts builds),
 * settings.ts, annotations.ts (problem lines), generate-schemas.ts (schema file names) and
 * plan-schemas.ts.
 */
import { ConfigError, formatPos, type Problem, type SourcePos } from '../errors.js';
import { accountArnProblems, type TargetAccount } from './account-arns.js';
import { allKinds } from '../kinds/index.js';
import type { DeclaredResource } from '../kinds/types.js';
import { loadConfig, type LoadedConfig, type ResolvedTargetConfig } from './load.js';
import { resolveTarget, type ResolveOptions } from './resolve.js';
import { interpretSettings, type TargetSettings } from './settings.js';
import { validateResources, type KindLike, type ValidateOptions } from './validate.js';
import { sensitiveMarker, type Redactor } from '../sensitive.js';

export { loadConfig, MAX_FILE_BYTES } from './load.js';
export type { LoadedConfig, LoadedTarget, ResolvedTargetConfig, Settings } from './load.js';
export { varValueIssue, type VarValue } from './interpolate.js';
export { listTargets } from './resolve.js';
export type { ResolveOptions } from './resolve.js';
export {
  DEFAULT_DESTROY_THRESHOLD,
  DEFAULT_PARALLELISM,
  interpretSettings,
  type DestroyThreshold,
  type TargetSettings,
} from './settings.js';
/** Re-checks after live reads (contact flow names), with the same messages as validation. */
export { validateResources } from './validate.js';

export interface ValidatedConfig {
  config: LoadedConfig;
  target: ResolvedTargetConfig;
  resources: DeclaredResource[];
  warnings: Problem[];
  /** Target fields from sensitive variables (`region`, `instanceId`, `vars.x`...) → their `env.NAME`s. */
  sensitiveFields: Record<string, string[]>;
  /** Scrubs this target's sensitive values out of any text: wrap output with it. */
  redactor: Redactor;
  /** `config.settings` interpreted, defaults filled: what the engine reads instead of the raw settings. */
  settings: TargetSettings;
  /**
   * The errors among the resources of `kinds` once the contact flows are read (name references),
   * with the same messages as validation: the engine re-checks through this, not validate.ts.
   * Only those kinds: `--kinds rule` must not trip over the config's other kinds.
   */
  checkReferences(kinds: readonly KindLike[], flows: ValidateOptions['flows']): Problem[];
  /**
   * ARNs of another account than `account`, the one the credentials act in (learned through STS):
   * the engine checks them before any read or write. Empty when the config names the account
   * (`accountId`, an instance ARN): validation checked them against it already.
   */
  checkAccount(account: string): Problem[];
}

/** Load the config and return every problem at once (loader, interpolation, schema, audit). */
export async function loadAndValidate(
  configPaths: string | string[],
  targetName: string | undefined,
  env?: NodeJS.ProcessEnv,
  options?: ResolveOptions,
): Promise<ValidatedConfig> {
  return validateFor(await loadConfig(configPaths), targetName, env, options);
}

/** Validate an already loaded config for one target (a config is parsed once per command). */
export function validateFor(
  config: LoadedConfig,
  targetName: string | undefined,
  env?: NodeJS.ProcessEnv,
  options?: ResolveOptions,
): ValidatedConfig {
  const { target, resources, problems, sensitiveFields, redactor } = resolveTarget(config, targetName, env, options);
  // Every problem at once: a settings typo must not hide the resources' errors.
  const account = knownAccount(target, sensitiveFields);
  const all: Problem[] = [
    ...problems,
    ...(account ? accountArnProblems(resources, account).map((p) => redactor.scrubProblem(p)) : []),
    ...validateResources(resources, allKinds(), {
      ruleFunction: config.settings.ruleFunction,
      targetName: target.name,
    }),
  ];
  if (all.some((p) => p.severity === 'error')) throw new ConfigError(all);
  return {
    config,
    target,
    resources,
    warnings: all,
    sensitiveFields,
    redactor,
    settings: interpretSettings(config.settings, config.declaredKinds),
    checkReferences: (kinds, flows) =>
      validateResources(
        resources.filter((r) => kinds.some((k) => k.name === r.kind)),
        kinds,
        { flows, ruleFunction: config.settings.ruleFunction },
      ).filter((p) => p.severity === 'error'),
    checkAccount: (learned) =>
      account
        ? [] // checked above, and the credentials were found to act in it
        : accountArnProblems(resources, {
            target: target.name,
            account: learned,
            source: 'the account of its credentials; the target writes no accountId',
          }).map((p) => redactor.scrubProblem(p)),
  };
}

/**
 * The target's account when the config says it: `accountId`, else the account in an instance ARN
 * written as `instanceId` (the credentials must act in either, connection.ts checks it).
 */
function knownAccount(target: ResolvedTargetConfig, sensitive: Record<string, string[]>): TargetAccount | undefined {
  const at = (pos: SourcePos | undefined) => formatPos(pos ?? target.pos);
  const accountId = target.accountId;
  if (accountId !== undefined && /^\d{12}$/.test(accountId))
    return {
      target: target.name,
      account: accountId,
      source: `its accountId at ${at(target.accountIdPos)}`,
      ...(sensitive.accountId ? { shown: sensitiveMarker(sensitive.accountId) } : {}),
    };
  const ofInstance = target.instanceAccountId;
  if (ofInstance !== undefined && /^\d{12}$/.test(ofInstance))
    return {
      target: target.name,
      account: ofInstance,
      source: `the account of its instance ARN at ${at(target.instanceIdPos)}`,
      ...(sensitive.instanceId ? { shown: sensitiveMarker(sensitive.instanceId) } : {}),
    };
  return undefined;
}
