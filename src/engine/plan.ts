/**
 * The plan: plain, sorted, versioned data. Its JSON form (`--format json`, `plan --out`) is the
 * documented contract (docs/PLAN-FORMAT.md); bump PLAN_VERSION on any incompatible change.
 */
import type { Body, KindName, Lifecycle } from '../kinds/types.js';

/** 3: a rule's Function is a Rules Function document (was its string), diffed by condition. */
export const PLAN_VERSION = 3;

/**
 * create/update/replace/delete are carried out by apply; `manual` is a difference the API cannot
 * fix (Lex V1 associations), reported, counted apart and never "applied".
 */
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'manual';

/**
 * What happened at a field path: `add`/`remove` a value or list element, `change` a value in
 * place, `move` an element of an ordered list to another position (same identity, same value).
 */
export type FieldOp = 'add' | 'remove' | 'change' | 'move';

/** Whether a field row can be made by the update call (`update`) or forces delete + create (`replace`). */
export type Impact = 'update' | 'replace';

export interface FieldChange {
  /**
   * An identity path (docs/PLAN-FORMAT.md): members joined by dots, list elements addressed by
   * their identity, never by index: `Fields[Id.Name="Policy number"].Type`,
   * `Actions[ActionType="CREATE_TASK",TaskAction.Name="Follow up"]`, a set of scalars as
   * `ChatConfigurations[="arn:…"]`. Top-level fields are bare names.
   */
  path: string;
  op: FieldOp;
  /** On rows of update and replace changes: which of them force the replace. */
  impact?: Impact;
  /** `move` rows: the element's position in the live list and in the desired list. */
  from?: number;
  to?: number;
  /** In a printable plan (redactPlan) a sensitive row holds markers, never values. */
  before?: unknown;
  after?: unknown;
  /** The value is sensitive: the `env.NAME`s it came from (empty for a kind's secret field). */
  sensitive?: string[];
  /** In memory only: sensitive places inside this row's value (it holds a whole list item or mapping). */
  sensitiveInside?: SensitivePath[];
  /** The live (old) side only came from a sensitive source in an earlier apply: `env.NAME`s (kinds/sensitive-marker.ts). */
  sensitiveBefore?: string[];
  /** Places inside the live (old) side that did. */
  sensitiveBeforeInside?: SensitivePath[];
}

/** A place in a body whose value is sensitive; `null` stands for any list index. */
export interface SensitivePath {
  path: (string | number | null)[];
  /** `env.NAME`s the value came from; empty for a kind's secret field (`secretPaths`). */
  sources: string[];
}

export interface Change {
  kind: KindName;
  /** Identity (key) of the resource. */
  name: string;
  action: Action;
  fields: FieldChange[];
  /** Why a replace/manual/delete happens, in words. */
  reason?: string;
  /** Server id of the live resource acted on (update/replace/delete/manual). */
  id?: string;
  /** The live resource's version when planned; a saved plan refuses to apply if it moved. */
  liveVersion?: string;
  /**
   * Normalized desired body (create/update/replace): what apply sends. In a printable plan
   * (redactPlan) the values at `sensitive` paths are markers; apply needs the in-memory plan.
   */
  desired?: Body;
  /** Where this resource's bodies hold sensitive values (never the values). */
  sensitive?: SensitivePath[];
  /** In memory only: `name` as printed when it is built from a sensitive value (redactPlan uses it). */
  shownName?: string;
  /** Finish an interrupted create: put connectform's marker on the resource. */
  mark?: boolean;
  /**
   * The marker tag value apply leaves on the resource after writing it, when it differs from the
   * live one: which fields came from sensitive sources (kinds/sensitive-marker.ts). Not printed.
   */
  marker?: string;
  /** Identity before a rename (lifecycle.renamedFrom). */
  renamedFrom?: string;
  lifecycle?: Lifecycle;
  /**
   * Who last changed the live resource and when, as far as its API tells (rules: LastUpdatedBy /
   * LastUpdatedTime; task templates: LastModifiedTime). Set on changes of a live resource;
   * `{}` says the API does not tell.
   */
  attribution?: Attribution;
}

export interface Attribution {
  /** ISO-8601 time of the last change. */
  at?: string;
  /** The identity (ARN) that made it. */
  by?: string;
  /**
   * The change cannot be attributed: every row is in a field whose change moves no stamp (a
   * rule's tags), so `at`/`by` name an earlier edit, not this one. Why, in words.
   */
  unattributed?: string;
}

export interface ResourceRef {
  kind: KindName;
  name: string;
}

export interface Summary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  manual: number;
  unchanged: number;
  unmanaged: number;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  target: string;
  /** region / instance the plan was made against, to refuse applying it elsewhere. */
  scope: { region: string; instanceId: string };
  /** In memory only: `scope` as printed, when it came from sensitive variables (redactPlan uses it). */
  shownScope?: { region: string; instanceId: string };
  createdAt: string;
  /** sha256 of the resolved config of this target; a saved plan refuses a changed config. */
  configFingerprint: string;
  changes: Change[];
  /** Live resources not declared and not pruned: left alone. */
  unmanaged: ResourceRef[];
  /** Reasons apply must refuse without --force (thresholds) or at all (preventDestroy). */
  blocked: Blocker[];
  /** Non-fatal notes for the reader (kinds skipped, validation warnings...). */
  notes: string[];
  /**
   * Lines for the run's log rather than the plan's reader (how far the snapshot cache was
   * trusted): text shows them as notes, markdown (a pull-request comment) leaves them to stderr.
   */
  log?: string[];
  summary: Summary;
  /** Set by redactPlan: the printable, saveable form (no sensitive value, nothing derived from one). */
  redacted?: true;
}

export interface Blocker {
  /** `preventDestroy` cannot be forced; `threshold` can with --force. */
  rule: 'preventDestroy' | 'threshold';
  kind: KindName;
  name?: string;
  message: string;
}

export function emptySummary(): Summary {
  return { create: 0, update: 0, replace: 0, delete: 0, manual: 0, unchanged: 0, unmanaged: 0 };
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}

const ACTION_ORDER: Record<Action, number> = { create: 0, update: 1, replace: 2, manual: 3, delete: 4 };

/** Kind order is the registry's; then name; a plan prints and serializes the same every time. */
export function sortChanges(changes: Change[], kindOrder: KindName[]): Change[] {
  return [...changes].sort(
    (a, b) =>
      kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      ACTION_ORDER[a.action] - ACTION_ORDER[b.action],
  );
}
