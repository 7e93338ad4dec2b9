/**
 * One target, end to end: resolve the config for it, validate (offline first, so a broken
 * config makes no API call), read live state under the quotas, build the plan, apply it.
 * The CLI and the tests both drive connectform through this module.
 */
import { join } from 'node:path';
import {
  loadAndValidate,
  validateResources,
  type LoadedConfig,
  type ResolvedTargetConfig,
  type TargetSettings,
  type ValidatedConfig,
} from '../config/index.js';
import { sensitiveMarker } from '../sensitive.js';
import { AwsCallError, AwsClients, describeAwsError, isNotFound, remedyFor, rootCause } from '../aws/clients.js';
import {
  targetCredentials,
  type SharedFiles,
  type StaticCredentials,
  type TargetCredentials,
} from '../aws/credentials.js';
import type { TimeoutOptions } from '../aws/timeouts.js';
import { ContactFlowDirectory } from '../aws/contact-flows.js';
import { QuotaTable } from '../aws/pacing.js';
import { QuotaBudget, TargetBudget, accountOfArn } from '../aws/quota-budget.js';
import { ConfigError, RemoteError, SafetyError, UsageError, formatPos, type Problem } from '../errors.js';
import { allKinds, kindByName } from '../kinds/index.js';
import { canonicalJson, sha256 } from '../kinds/common.js';
import type { DeclaredResource, KindName, LiveResource, ResourceKind, TargetContext } from '../kinds/types.js';
import { applyPlan, type ApplyOptions, type ApplyReport } from './apply.js';
import { NO_CACHE, SnapshotCache } from './cache.js';
import { PendingCreates } from './pending.js';
import { buildPlan, liveKey } from './planner.js';
import { printableBody } from './redact.js';
import type { Plan } from './plan.js';

export interface SessionOptions extends TimeoutOptions {
  /** Endpoint override for every client of the target (the sandbox). */
  endpoint?: string;
  /** Static credentials (the sandbox takes any); they win over any profile, and a roleArn is assumed from them. */
  credentials?: StaticCredentials;
  region?: string;
  /** Region of the AWS Chatbot client (custom actions); default: the target's, if Chatbot serves it. */
  chatbotRegion?: string;
  /** Overrides every target's `profile` (--profile). */
  profile?: string;
  /** Shared config/credentials files to read profiles from (default: the SDK's). */
  sharedFiles?: SharedFiles;
  parallelism?: number;
  /** Multiply every quota (the bench, the fast in-process sandbox). */
  quotaScale?: number;
  /**
   * The quota buckets shared by every session of the run: targets in one account and region pace
   * together (quota-budget.ts). Default: a budget of this session's own.
   */
  quotaBudget?: QuotaBudget;
  /** Restrict to these kinds. */
  kinds?: KindName[];
  env?: NodeJS.ProcessEnv;
  /** Variables whose values may be printed (`--public-env`); see config/sensitive.ts. */
  publicEnv?: string[];
  log?: (line: string) => void;
  /** Snapshot cache directory; false turns the cache off. Default `.connectform/cache`. */
  cacheDir?: string | false;
  /** Identity of the live world for the cache (default: region, instance and endpoint). */
  cacheScope?: string;
  /** Journal of creates in flight (see pending.ts); false keeps it in memory only. */
  pendingDir?: string | false;
  /** Read everything again, ignoring the cache (it is still refreshed). */
  refresh?: boolean;
  /** Wall clock of the snapshot cache's ages (tests and the bench inject one). */
  cacheClock?: () => number;
}

export const DEFAULT_CACHE_DIR = join('.connectform', 'cache');
export const DEFAULT_PENDING_DIR = join('.connectform', 'pending');

export class TargetSession {
  readonly ctx: TargetContext;
  /** Called for each live resource read (progress display). */
  onRead?: (kind: KindName, name: string) => void;
  /** Called as a kind's list calls find resources, and once with `complete` (progress totals). */
  onListed?: (kind: KindName, event: 'found' | 'complete') => void;
  private liveIndex = new Map<string, LiveResource>();
  private readonly snapshot?: SnapshotCache;
  private readonly pending: PendingCreates;
  private identity?: Promise<string>;

  private constructor(
    readonly config: LoadedConfig,
    readonly settings: TargetSettings,
    readonly target: ResolvedTargetConfig,
    readonly resources: DeclaredResource[],
    readonly warnings: Problem[],
    readonly kinds: readonly ResourceKind[],
    readonly aws: AwsClients,
    private readonly options: SessionOptions,
    private readonly credentials: TargetCredentials,
    /** Target fields from sensitive variables → their `env.NAME`s. */
    readonly sensitiveFields: Record<string, string[]>,
    private readonly budget: TargetBudget,
  ) {
    this.ctx = {
      target: {
        name: target.name,
        region: options.region ?? target.region,
        instanceId: target.instanceId,
        accountId: target.accountId ?? '',
      },
      aws,
      flows: new ContactFlowDirectory(),
      cache: NO_CACHE,
      declared: resources,
      log: options.log ?? (() => {}),
      listing: (kind: KindName) => ({
        found: () => this.onListed?.(kind, 'found'),
        complete: () => this.onListed?.(kind, 'complete'),
      }),
    };
    const scope = {
      region: this.ctx.target.region,
      instanceId: target.instanceId,
      endpoint: options.cacheScope ?? options.endpoint ?? target.endpoint,
    };
    this.pending = new PendingCreates(
      options.pendingDir === false
        ? undefined
        : SnapshotCache.fileFor(options.pendingDir ?? DEFAULT_PENDING_DIR, scope),
    );
    if (options.cacheDir !== false) {
      this.snapshot = new SnapshotCache(SnapshotCache.fileFor(options.cacheDir ?? DEFAULT_CACHE_DIR, scope), {
        refresh: options.refresh,
        now: options.cacheClock,
      });
      this.ctx.cache = this.snapshot;
    }
  }

  /** Validates offline and throws ConfigError before any client is even created. */
  static async open(
    configPaths: string | string[],
    targetName: string | undefined,
    options: SessionOptions = {},
  ): Promise<TargetSession> {
    return TargetSession.create(
      await loadAndValidate(configPaths, targetName, options.env, { publicEnv: options.publicEnv }),
      options,
    );
  }

  /** A session from an already validated config (creating clients makes no call). */
  static create(validated: ValidatedConfig, options: SessionOptions = {}): TargetSession {
    const { config, target, resources, warnings, sensitiveFields } = validated;
    // --parallelism wins over the settings' for the clients and for apply alike.
    const settings =
      options.parallelism === undefined
        ? validated.settings
        : { ...validated.settings, parallelism: options.parallelism };
    const kinds = selectKinds(settings, resources, options.kinds);
    const region = options.region ?? target.region;
    const endpoint = options.endpoint ?? target.endpoint;
    const timeouts: TimeoutOptions = {
      connectTimeoutMs: options.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      callBudgetMs: options.callBudgetMs,
    };
    // Each target its own provider: never process.env, which every target of the run shares.
    const credentials = targetCredentials({
      target: target.name,
      region,
      endpoint,
      profile: options.profile ?? target.profile,
      roleArn: target.roleArn,
      externalId: target.externalId,
      roleSessionName: target.roleSessionName,
      staticCredentials: options.credentials,
      sharedFiles: options.sharedFiles,
      ...timeouts,
    });
    const quotas = new QuotaTable(settings.quotas, options.quotaScale ?? 1);
    // The account before STS answers: the target's accountId, else its role's; else the credentials stand for it.
    const budget = new TargetBudget(
      options.quotaBudget ?? new QuotaBudget(),
      credentials.source,
      target.accountId ?? accountOfArn(target.roleArn),
    );
    const aws = new AwsClients({
      target: target.name,
      region,
      chatbotRegion: options.chatbotRegion ?? target.chatbotRegion,
      endpoint,
      credentials: credentials.provider,
      parallelism: settings.parallelism,
      quotas,
      pacing: (api, apiRegion) => budget.bucket(api, apiRegion, quotas.for(api)),
      ...timeouts,
    });
    return new TargetSession(
      config,
      settings,
      target,
      resources,
      warnings,
      kinds,
      aws,
      options,
      credentials,
      sensitiveFields,
      budget,
    );
  }

  get name(): string {
    return this.target.name;
  }

  /**
   * Which account the credentials act in (sts:GetCallerIdentity, once per session), before any
   * read: a target whose `accountId` names another account is refused before any Connect,
   * Chatbot or Lex call. The learned account goes to ctx.target.accountId.
   */
  verifyIdentity(): Promise<string> {
    this.identity ??= this.learnIdentity();
    return this.identity;
  }

  private async learnIdentity(): Promise<string> {
    const api = 'sts:GetCallerIdentity';
    const name = this.target.name;
    let who: { Account?: string; Arn?: string };
    try {
      who = await this.aws.callerIdentity();
    } catch (err) {
      // A timeout (or a role that could not be assumed) already says where and what to do.
      if (err instanceof RemoteError && !(err instanceof AwsCallError)) throw err;
      throw new RemoteError(
        `target ${name}: ${api} with ${this.credentials.source} failed: ${describeAwsError(err)}` +
          (remedyFor(api, err, err instanceof AwsCallError ? err.host : undefined) ||
            "; check the target's credentials (profile, roleArn, --profile)"),
        api,
        rootCause(err),
      );
    }
    const actual = who.Account ?? '';
    const expected = this.target.accountId;
    if (expected && actual !== expected) {
      throw new SafetyError(
        `${formatPos(this.target.accountIdPos ?? this.target.pos)}: target ${name}: accountId is ${expected} but the credentials (${this.credentials.source}) belong to account ${actual} (${who.Arn ?? 'unknown identity'}); ` +
          `use credentials for account ${expected} (the target's profile or roleArn), or correct accountId`,
      );
    }
    this.ctx.target.accountId = actual;
    this.budget.learnAccount(actual);
    return actual;
  }

  /** Reads contact flows (when a kind in scope uses them), then re-checks name references. */
  async resolveReferences(): Promise<void> {
    await this.verifyIdentity();
    if (!this.kinds.some((k) => k.capabilities.usesContactFlows)) return;
    this.ctx.flows = await ContactFlowDirectory.read(this.aws, this.ctx.target.instanceId);
    // Only the kinds in scope: `--kinds rule` must not trip over the config's other kinds.
    const inScope = this.resources.filter((r) => this.kinds.some((k) => k.name === r.kind));
    const problems = validateResources(inScope, this.kinds, {
      flows: this.ctx.flows,
      ruleFunction: this.config.settings.ruleFunction,
    }).filter((p) => p.severity === 'error');
    if (problems.length) throw new ConfigError(problems);
  }

  /** Live state of every kind in scope, kinds read in parallel. */
  async readLive(): Promise<Map<KindName, LiveResource[]>> {
    await this.verifyIdentity();
    const entries = await Promise.all(this.kinds.map(async (kind) => [kind.name, await this.readKind(kind)] as const));
    this.snapshot?.save();
    this.liveIndex = new Map(entries.flatMap(([, items]) => items.map((l) => [liveKey(l.kind, l.key), l] as const)));
    return new Map(entries);
  }

  /** Live state of one kind (export reads kind by kind, to skip the unreadable ones). */
  async readKind(kind: ResourceKind): Promise<LiveResource[]> {
    await this.verifyIdentity();
    const items: LiveResource[] = [];
    for await (const item of kind.read(this.ctx)) {
      items.push(item);
      this.onRead?.(kind.name, item.key);
    }
    this.snapshot?.completed(kind.name);
    this.ctx.log(`read ${items.length} ${kind.configKey}`);
    return items;
  }

  /** Live resources by kind + name, from the last readLive(). */
  get live(): ReadonlyMap<string, LiveResource> {
    return this.liveIndex;
  }

  get scope(): { region: string; instanceId: string } {
    return { region: this.ctx.target.region, instanceId: this.target.instanceId };
  }

  /**
   * Over the printable bodies: a fingerprint of secret values would be a way to test guesses
   * of them. A sensitive value counts by its shown form (the config's text, a marker naming the
   * variable in place of each sensitive part), so the fingerprint moves when the config
   * changes, not when only a secret's value does; a kind's secret fields count as a marker.
   */
  configFingerprint(): string {
    const kindOf = (name: KindName) => kindByName(name);
    const scope = this.printableScope();
    return sha256(
      canonicalJson({
        target: { name: this.target.name, region: scope.region, instanceId: scope.instanceId },
        resources: this.resources.map((r) => ({
          kind: r.kind,
          body: printableBody(r, kindOf(r.kind)),
          lifecycle: r.lifecycle,
        })),
        prune: this.settings.prunedKinds,
      }),
    );
  }

  /** region and instance as a plan may show them: a value from a sensitive variable is its marker. */
  private printableScope(): { region: string; instanceId: string } {
    const shown = (field: 'region' | 'instanceId', value: string) => {
      const sources = field === 'region' && this.options.region ? undefined : this.sensitiveFields[field];
      return sources ? sensitiveMarker(sources) : value;
    };
    return { region: shown('region', this.ctx.target.region), instanceId: shown('instanceId', this.target.instanceId) };
  }

  async plan(): Promise<Plan> {
    return this.namingTarget(() => this.planNow());
  }

  private async planNow(): Promise<Plan> {
    await this.verifyIdentity(); // first: a wrong account must not even be read
    await this.resolveReferences();
    const live = await this.readLive();
    return buildPlan({
      target: this.target.name,
      scope: this.scope,
      shownScope: this.printableScope(),
      configFingerprint: this.configFingerprint(),
      kinds: this.kinds,
      declared: this.resources,
      live,
      flows: this.ctx.flows,
      prune: this.settings.pruneFor,
      pruneAll: this.settings.pruneAll,
      pending: this.pending,
      threshold: this.settings.threshold,
      notes: [
        ...this.cacheNotes(),
        ...this.warnings
          .filter((w) => w.severity === 'warning')
          .map((w) => `${w.pos ? `${w.pos.file}:${w.pos.line}:${w.pos.col}: ` : ''}${w.message}`),
      ],
    });
  }

  /** The plan says how far it trusted the cache (apply re-reads those resources anyway). */
  private cacheNotes(): string[] {
    const hits = this.snapshot?.hits ?? 0;
    if (!hits) return [];
    // One short line: which resources and why is in docs/CONCEPTS.md, not on every plan.
    return [`${hits} resource(s) from the snapshot cache (apply re-reads what it changes; --refresh reads all)`];
  }

  /** Calls per API made by this session (the bench and --debug print them). */
  callStats() {
    return this.aws.stats();
  }

  /** Apply `plan`; the live index must come from the read that made (or re-checked) it. */
  async apply(plan: Plan, options: Partial<ApplyOptions> = {}): Promise<ApplyReport> {
    return this.namingTarget(() => this.applyNow(plan, options));
  }

  /**
   * Errors leave a session once, naming its target: an AWS failure says which target, which API,
   * what AWS said and (where known) what to do; an unknown instance also where it is configured.
   */
  private async namingTarget<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof RemoteError) || err.message.startsWith('target ')) throw err;
      const root = rootCause(err) as { message?: string };
      const instance =
        isNotFound(err) && /instance/i.test(root?.message ?? '')
          ? `; check targets.${this.target.name}.instanceId at ${formatPos(this.target.instanceIdPos ?? this.target.pos)}`
          : '';
      throw new RemoteError(`target ${this.target.name}: ${err.message}${instance}`, err.operation, err);
    }
  }

  private async applyNow(plan: Plan, options: Partial<ApplyOptions>): Promise<ApplyReport> {
    await this.verifyIdentity();
    // What this apply changes leaves the cache before the first write (saved, so a crash
    // mid-apply cannot keep a stale entry either): a tag change moves no version stamp.
    if (this.snapshot) {
      for (const c of plan.changes)
        if (c.id && c.action !== 'create' && c.action !== 'manual') this.snapshot.forget(c.kind, c.id);
      this.snapshot.save();
    }
    return applyPlan(this.ctx, this.kinds, plan, this.liveIndex, {
      parallelism: options.parallelism ?? this.settings.parallelism,
      force: options.force,
      onEvent: options.onEvent,
      signal: options.signal,
      pending: this.pending,
    });
  }

  close(): void {
    this.aws.destroy();
    this.credentials.destroy();
  }
}

/**
 * A plan makes only the calls it needs: the kinds the config declares, plus kinds pruning is
 * on for (their undeclared resources may be deleted), or exactly `--kinds`.
 */
function selectKinds(
  settings: TargetSettings,
  resources: DeclaredResource[],
  only: KindName[] | undefined,
): ResourceKind[] {
  const kinds = allKinds();
  if (only?.length) {
    const unknown = only.filter((k) => !kinds.some((x) => x.name === k));
    if (unknown.length)
      throw new UsageError(`unknown kind(s) ${unknown.join(', ')}; known: ${kinds.map((k) => k.name).join(', ')}`);
    return kinds.filter((k) => only.includes(k.name));
  }
  return kinds.filter((k) => resources.some((r) => r.kind === k.name) || settings.pruneFor(k.name));
}
