/**
 * One target's plan and apply: read live state under the quotas, build the plan, apply it. It is
 * given a validated target (the caller loads and validates: config/index.ts, or the CLI's
 * runtime.ts for every target at once, so a broken config makes no API call) and reaches AWS
 * through its TargetConnection (connection.ts: credentials, clients, identity). Errors pass
 * through as they were raised (an AWS failure already names its target, API and resource).
 */
import { join } from 'node:path';
import type { LoadedConfig, ResolvedTargetConfig, TargetSettings, ValidatedConfig } from '../config/index.js';
import { refuseLinks } from '../util/no-links.js';
import { sensitiveMarker } from '../sensitive.js';
import type { AwsClients } from '../aws/clients.js';
import { ContactFlowDirectory } from '../aws/contact-flows.js';
import { namedReferenceKinds } from '../kinds/references.js';
import { ConfigError, UsageError, type Problem } from '../errors.js';
import { allKinds, kindByName } from '../kinds/index.js';
import { canonicalJson, sha256 } from '../kinds/common.js';
import type { DeclaredResource, KindName, LiveResource, ResourceKind, TargetContext } from '../kinds/types.js';
import { applyPlan, type ApplyOptions, type ApplyReport } from './apply.js';
import { NO_CACHE, SnapshotCache } from './cache.js';
import { TargetConnection, type ConnectionOptions } from './connection.js';
import { PendingCreates } from './pending.js';
import { buildPlan, liveKey } from './planner.js';
import { printableBody } from './redact.js';
import { readUnlessRetired } from './retired.js';
import type { Plan } from './plan.js';

export interface SessionOptions extends ConnectionOptions {
  parallelism?: number;
  /** Restrict to these kinds. */
  kinds?: KindName[];
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
  readonly config: LoadedConfig;
  readonly settings: TargetSettings;
  readonly target: ResolvedTargetConfig;
  readonly resources: DeclaredResource[];
  readonly warnings: Problem[];
  readonly kinds: readonly ResourceKind[];
  readonly connection: TargetConnection;
  /** Target fields from sensitive variables → their `env.NAME`s. */
  readonly sensitiveFields: Record<string, string[]>;
  private readonly validated: ValidatedConfig;
  private liveIndex = new Map<string, LiveResource>();
  private readonly snapshot?: SnapshotCache;
  private readonly pending: PendingCreates;

  /** A session for a validated target (creating its clients makes no call). */
  static create(validated: ValidatedConfig, options: SessionOptions = {}): TargetSession {
    return new TargetSession(validated, options);
  }
  /** Warnings of the last readLive() for kinds whose API no longer answers. */
  private retiredNotes: string[] = [];
  /** The config's ARNs were found to be of the credentials' account (verifyIdentity). */
  private arnsChecked = false;

  private constructor(
    validated: ValidatedConfig,
    private readonly options: SessionOptions,
  ) {
    const { config, target, resources, warnings, sensitiveFields } = validated;
    this.validated = validated;
    this.config = config;
    this.target = target;
    this.resources = resources;
    this.warnings = warnings;
    this.sensitiveFields = sensitiveFields;
    // --parallelism wins over the settings' for the clients and for apply alike.
    this.settings =
      options.parallelism === undefined
        ? validated.settings
        : { ...validated.settings, parallelism: options.parallelism };
    this.kinds = selectKinds(this.settings, resources, options.kinds);
    this.connection = new TargetConnection(target, this.settings, options, sensitiveFields.instanceId);
    this.ctx = {
      target: {
        name: target.name,
        region: this.connection.region,
        instanceId: target.instanceId,
        accountId: target.accountId ?? '',
      },
      aws: this.connection.aws,
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
    // State is read only where no committed link redirects it (util/no-links.ts).
    const stateFile = (dir: string) => {
      const file = SnapshotCache.fileFor(dir, scope);
      refuseLinks(file);
      return file;
    };
    this.pending = new PendingCreates(
      options.pendingDir === false ? undefined : stateFile(options.pendingDir ?? DEFAULT_PENDING_DIR),
    );
    if (options.cacheDir !== false) {
      this.snapshot = new SnapshotCache(stateFile(options.cacheDir ?? DEFAULT_CACHE_DIR), {
        refresh: options.refresh,
        now: options.cacheClock,
      });
      this.ctx.cache = this.snapshot;
    }
  }

  get aws(): AwsClients {
    return this.connection.aws;
  }

  get name(): string {
    return this.target.name;
  }

  /**
   * Which account the credentials act in (connection.ts: once, and a target whose `accountId`
   * names another account is refused), before any read; it goes to ctx.target.accountId.
   */
  async verifyIdentity(): Promise<string> {
    const account = await this.connection.accountId();
    this.ctx.target.accountId = account;
    // The config's ARNs against the account the credentials act in (validation checked them when the config names it).
    if (!this.arnsChecked) {
      const problems = this.validated.checkAccount(account);
      if (problems.length) throw new ConfigError(problems);
      this.arnsChecked = true;
    }
    return account;
  }

  /**
   * Reads contact flows (when a kind in scope uses them) and the directories of the other kinds
   * of reference the config names (queues, users...: only those written as `{ name }`), once
   * per run, then re-checks name references.
   */
  async resolveReferences(): Promise<void> {
    await this.verifyIdentity();
    const flows = this.kinds.some((k) => k.capabilities.usesContactFlows);
    const named = this.resources
      .filter((r) => this.kinds.some((k) => k.name === r.kind))
      .flatMap((r) => namedReferenceKinds(r.kind, r.body));
    if (!flows && !named.length) return;
    this.ctx.flows = await ContactFlowDirectory.read(this.aws, this.ctx.target.instanceId, named, flows);
    const problems = this.validated.checkReferences(this.kinds, this.ctx.flows);
    if (problems.length) throw new ConfigError(problems);
  }

  /**
   * Live state of every kind in scope, kinds read in parallel. A kind whose API AWS has retired
   * is left out, with a warning for the plan (retired.ts).
   */
  async readLive(): Promise<Map<KindName, LiveResource[]>> {
    await this.verifyIdentity();
    const reads = await Promise.all(
      this.kinds.map(
        async (kind) => [kind.name, await readUnlessRetired(kind, this.resources, () => this.readKind(kind))] as const,
      ),
    );
    this.retiredNotes = reads.flatMap(([, r]) => ('retired' in r ? [r.retired] : []));
    const entries = reads.flatMap(([name, r]) => ('items' in r ? [[name, r.items] as const] : []));
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
      log: this.cacheNotes(),
      notes: [
        ...this.retiredNotes,
        ...this.warnings
          .filter((w) => w.severity === 'warning')
          .map((w) => `${w.pos ? `${w.pos.file}:${w.pos.line}:${w.pos.col}: ` : ''}${w.message}`),
      ],
    });
  }

  /** The plan says how far it trusted the cache (apply re-reads those resources anyway). */
  private cacheNotes(): string[] {
    const hits = this.snapshot?.hits ?? 0;
    const ignored = this.snapshot?.notice ? [this.snapshot.notice] : [];
    if (!hits) return ignored;
    // One short line: which resources and why is in docs/CONCEPTS.md, not on every plan.
    return [
      ...ignored,
      `${hits} resource(s) from the snapshot cache (apply re-reads what it changes; --refresh reads all)`,
    ];
  }

  /** Calls per API made by this session (the bench and --debug print them). */
  callStats() {
    return this.connection.callStats();
  }

  /** Apply `plan`; the live index must come from the read that made (or re-checked) it. */
  async apply(plan: Plan, options: Partial<ApplyOptions> = {}): Promise<ApplyReport> {
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
    this.connection.close();
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
