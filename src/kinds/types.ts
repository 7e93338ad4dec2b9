/**
 * The one interface every resource kind implements. A new kind = one file in src/kinds/ (its
 * hooks, schema spec and export order), one line in src/kinds/index.ts, and `npm run schemas`.
 * Nothing outside src/kinds/ names a kind: what differs between kinds is declared here
 * (capabilities, specs) or done in its hooks, and every list of kinds comes from the registry.
 */
import type { Problem, SourcePos } from '../errors.js';
import type { AwsClients } from '../aws/clients.js';
import type { ContactFlowDirectory } from '../aws/contact-flows.js';
import type { KindName } from './index.js';
import type { WrittenReferences } from './references.js';
import type { KindSchemaSpec } from './schema.js';
import type { SensitiveValue } from '../sensitive.js';

export type { KindName } from './index.js';

/** A resource body as the user writes it: the API's own field names. Plain JSON data. */
export type Body = Record<string, unknown>;

/** A path inside a body, e.g. ['Actions', 0, 'TaskAction', 'Name']. */
export type Path = (string | number)[];

/**
 * Who a list element is: `{ 'Id.Name': 'Policy number' }` (members in the order the path
 * prints them; undefined members are left out) or, for a list of scalars, the value itself.
 */
export type ElementIdentity = Readonly<Record<string, string | undefined>> | string;

/**
 * A list of a kind's body the plan compares element by element, each found by its identity
 * (src/engine/diff.ts). Lists not declared are compared by position.
 */
export interface ListSpec {
  /** Where the list is: members joined by dots, `[]` for "in every element" (`Fields[].SingleSelectOptions`). */
  readonly path: string;
  /** Whether position carries meaning (a move is then a `move` row); a set is not ordered. */
  readonly ordered: boolean;
  /** The element's identity; undefined (or two elements sharing one) makes the list positional. */
  identity(element: unknown): ElementIdentity | undefined;
  /**
   * Elements that may be one element whose identifying member changed: when exactly one element
   * of a group is gone and one is new, they are compared as one (rows under the live identity).
   */
  pairBy?(element: unknown): string | undefined;
  /** For messages: what identifies an element (`its Id.Name`) and an example selector. */
  readonly keyedBy: string;
  readonly example: string;
}

/** Per-resource settings that are not part of the API body (Terraform's `lifecycle`). */
export interface Lifecycle {
  /** Refuse any plan that deletes or replaces this resource. */
  preventDestroy?: boolean;
  /**
   * Field paths (`Function`, `Actions`, `Fields.Description`, `Fields[Id.Name="x"].Description`)
   * whose differences are ignored; see src/engine/ignore-changes.ts.
   */
  ignoreChanges?: string[];
  /** The resource's previous identity (name): the plan renames it instead of create + orphan. */
  renamedFrom?: string;
}

/** One resource declared in the config, already interpolated for one target. */
export interface DeclaredResource {
  kind: KindName;
  body: Body;
  lifecycle: Lifecycle;
  /**
   * How problems name the item: its config key and index in its file's list (`rules[3]`), set by
   * the config loader; problems inside it append their path (src/problem-path.ts `joinPath`).
   */
  label?: string;
  /** Where the resource item starts, and the position of any path inside it (nearest node). */
  pos: SourcePos;
  positionOf(path: Path): SourcePos;
  /** Body locations whose value came from a sensitive `${env.NAME}`: plans never show them. */
  sensitive?: SensitiveValue[];
}

/** One live resource as read from AWS. `body` uses config field names (API names). */
export interface LiveResource {
  kind: KindName;
  /** Identity within the target (a name, never an ARN). */
  key: string;
  /** Server identity used by update/delete calls (RuleId, task template Id, action ARN, ...). */
  id: string;
  arn?: string;
  /** Config-shaped body, before normalization (may still hold server-side ids). */
  body: Body;
  /** Carries connectform's management marker: only these are eligible for pruning. */
  managed: boolean;
  /** The marker tag's value when present: which fields hold values from sensitive sources (sensitive-marker.ts). */
  marker?: string;
  /** A last-modified stamp or content hash; a saved plan refuses to apply when it moved. */
  version: string;
  /** Kind-private data the write calls need (e.g. the Lex bot and alias). */
  extra?: Record<string, unknown>;
  /** When the server created it (ISO 8601, the server's clock), where the API says. */
  createdAt?: string;
  /** Came from the snapshot cache, not a describe call of this run (apply re-reads it). */
  fromCache?: boolean;
  /** Who last changed it and when, as far as the API tells (`{}`: it does not); see Change.attribution. */
  attribution?: { at?: string; by?: string };
}

/**
 * The snapshot cache of described resources (incremental plans). Kinds whose list call returns
 * a last-modified stamp route their describe calls through it; an unchanged stamp → no call.
 */
export interface DescribeCache {
  through(
    kind: KindName,
    id: string,
    version: string | undefined,
    describe: () => Promise<LiveResource | undefined>,
  ): Promise<LiveResource | undefined>;
}

/** What a kind can do; the engine and the shared test battery read these instead of branching. */
export interface Capabilities {
  create: boolean;
  update: boolean;
  delete: boolean;
  /** Whether the kind can carry connectform's management marker (tags); decides pruning. */
  marker: boolean;
  /** Needs the Connect instance's contact flows for name references. */
  usesContactFlows: boolean;
}

export interface AuditContext {
  /** Every declared resource of this kind in this target (for cross-item checks). */
  all: DeclaredResource[];
  /** Known contact flows of the target, when the kind uses them and the target was reachable. */
  flows?: ContactFlowDirectory;
  /** `settings.ruleFunction`: how rule Functions are checked. */
  ruleFunction?: RuleFunctionSettings;
}

/** `settings.ruleFunction`: a condition the catalog does not know is an error, or with `warn` a warning. */
export interface RuleFunctionSettings {
  unknownConditions?: 'error' | 'warn';
}

export interface TargetInfo {
  name: string;
  region: string;
  /** Connect instance id (UUID). */
  instanceId: string;
  /** AWS account id, learned from ARNs/STS or the sandbox; '' until known. */
  accountId: string;
}

export interface TargetContext {
  target: TargetInfo;
  aws: AwsClients;
  flows: ContactFlowDirectory;
  cache: DescribeCache;
  /** Every resource the config declares for this target (some reads are scoped by them). */
  declared: readonly DeclaredResource[];
  /**
   * Reads scoped by the declared resources read everything the directories in `flows` list
   * instead (export: custom actions' associations with every chat configuration of the account,
   * not only the ones the config names). A plan leaves it off: it compares what is declared.
   */
  readEverything?: boolean;
  /** Progress/diagnostic lines (never the plan itself). */
  log(line: string): void;
  /** Progress totals: where a kind's read reports what its list calls found (mapConcurrent in common.ts). */
  listing?(kind: KindName): Listing;
}

/**
 * What a kind's list calls found, for progress totals ("rules 120/1000"): `found` once per
 * resource the read will describe, `complete` when the list has no more pages.
 */
export interface Listing {
  found(): void;
  complete(): void;
}

export interface NormalizeContext {
  flows: ContactFlowDirectory;
  /**
   * How the declared body of this diff wrote its references (references.ts writtenReferences):
   * given to both sides, so literal ids show as written. Absent: every known id shows by name.
   */
  written?: WrittenReferences;
}

export interface ResourceKind<N extends KindName = KindName> {
  readonly name: N;
  /** Top-level key in the config: 'rules', 'taskTemplates', ... */
  readonly configKey: string;
  /** Human title for output: 'Connect rule', ... */
  readonly title: string;
  /** Which model shape one config item is (src/kinds/schema.ts turns it into the item's JSON Schema). */
  readonly schemaSpec: KindSchemaSpec;
  /** Top-level fields in the order export writes them (identity first); others follow alphabetically. */
  readonly exportOrder: readonly string[];
  readonly capabilities: Capabilities;
  /**
   * Top-level fields whose values are secrets on both sides (config and live): the planner
   * compares them but never puts them, or anything derived from them, in a printable plan.
   */
  readonly secretPaths?: string[];
  /**
   * Optional top-level fields a config manages only by declaring them: when a declared body
   * omits one, its live value is not compared (no row, no change), the way a user leaves a field
   * to the console. Without it an omitted field is compared like any other.
   */
  readonly managedWhenDeclared?: readonly string[];
  /**
   * Top-level fields whose change moves none of the live resource's last-changed stamps (tags:
   * TagResource/UntagResource). A change of only these cannot be attributed to the stamp's
   * editor; the value says why, in words (Change.attribution.unattributed).
   */
  readonly unstampedFields?: { fields: readonly string[]; why: string };

  key(body: Body): string;
  /**
   * Checked before the kind is read at all: why it cannot be read in this target (its API is not
   * offered in the target's region...), as a sentence saying what to change; undefined when it can.
   */
  unavailable?(ctx: TargetContext): string | undefined;
  /**
   * For a kind whose API AWS has retired (Lex V1): whether a failed read means the API no longer
   * answers, as a phrase for the plan's one warning line; undefined for an ordinary failure. The
   * target then plans without the kind: nothing of it is changed, pruned or reported as drift
   * (src/engine/retired.ts).
   */
  retiredApi?(err: unknown): string | undefined;
  /** Semantic checks the schema cannot express; positions via d.positionOf. */
  audit(d: DeclaredResource, ctx: AuditContext): Problem[];
  /** List, then describe each (through ctx.aws.call, which paces by quota; via ctx.cache when the list gives a stamp). */
  read(ctx: TargetContext): AsyncIterable<LiveResource>;
  /**
   * Put connectform's marker on an existing resource. Only kinds whose create cannot carry the
   * marker itself have it; for them apply journals each create until the marker is on.
   */
  mark?(ctx: TargetContext, live: LiveResource): Promise<void>;
  /**
   * Set the marker tag's value (which fields came from sensitive sources, sensitive-marker.ts)
   * on a resource that carries the marker. Kinds with `capabilities.marker` have it.
   */
  writeMarker?(ctx: TargetContext, target: { id: string; arn?: string }, value: string): Promise<void>;
  /** Re-read one resource by id (apply uses it on cached entries); undefined when it is gone. */
  describe?(ctx: TargetContext, id: string): Promise<LiveResource | undefined>;
  /**
   * The comparable form of either side: no server fields, defaults filled, sets sorted, known
   * ids shown as `{ name }` references or as the config wrote them (`ctx.written`), secrets
   * hashed. Pure.
   */
  normalize(body: Body, ctx: NormalizeContext): Body;
  /**
   * Why changing `changed` top-level fields from live to desired needs delete + create (the
   * update call cannot change them), if it does: the only way a kind asks for a replace.
   */
  replaceReason(live: Body, desired: Body, changed: string[]): string | undefined;
  /**
   * Top-level fields whose change is what `replaceReason` answers with a replace (for this live
   * and desired body): the planner marks their rows `impact: 'replace'`, the others `update`.
   * Absent when nothing ever forces a replace.
   */
  replaceFields?(live: Body, desired: Body): string[];
  /** Lists compared by element identity (src/engine/diff.ts); others by position. */
  readonly lists?: readonly ListSpec[];
  /**
   * Create; `token` is the deterministic idempotency token. Returns the new live resource's id.
   * A kind that makes further calls after the create (the marker's) reports the id through
   * `created` first, so the journal binds its entry to it (engine/pending.ts).
   */
  create(
    ctx: TargetContext,
    desired: Body,
    token: string,
    created?: (made: { id: string; arn?: string }) => void,
  ): Promise<{ id: string; arn?: string }>;
  update(ctx: TargetContext, live: LiveResource, desired: Body, changed: string[]): Promise<void>;
  delete(ctx: TargetContext, live: LiveResource): Promise<void>;
}
