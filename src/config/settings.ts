/**
 * `settings:` interpreted once, with every default filled, into what the engine asks of it:
 * which kinds pruning covers, the destroy threshold, how many requests in flight, the quotas.
 * The config façade (index.ts `validateFor`) builds it; the engine only reads it.
 */
import { kindByName } from '../kinds/index.js';
import type { KindName } from '../kinds/types.js';
import type { QuotaSetting, Settings } from './load.js';

export interface DestroyThreshold {
  /** Refuse when deletes + replaces exceed this share (%) of a kind's existing managed resources... */
  percent: number;
  /** ...once the kind has at least this many. */
  minResources: number;
}

export const DEFAULT_DESTROY_THRESHOLD: Readonly<DestroyThreshold> = { percent: 30, minResources: 10 };

/** Requests in flight at once, when neither `settings.parallelism` nor `--parallelism` says. */
export const DEFAULT_PARALLELISM = 8;

export interface TargetSettings {
  /**
   * The kinds pruning covers: the listed ones, or with `prune: true` every kind whose list
   * appears in the config (docs/EXPORT.md: an exported file declares its list, even empty) and
   * whose API can create it again. A kind no API can create (Lex V1 associations: connectform
   * cannot tell who made them, and a deleted one is gone for good) is pruned only when listed.
   */
  readonly prunedKinds: readonly KindName[];
  /** `prune: true` was written: the plan says which kinds it leaves out (see prunedKinds). */
  readonly pruneAll: boolean;
  /** Whether undeclared managed resources of `kind` are deleted. */
  pruneFor(kind: KindName): boolean;
  readonly threshold: Readonly<DestroyThreshold>;
  readonly parallelism: number;
  /** Client-side pacing overrides, keyed by `connect:ListRules` or `connect:*`. */
  readonly quotas: Readonly<Record<string, QuotaSetting>>;
}

/** Whether an API can create `kind` again after a prune deleted it (unknown kinds: assumed so). */
function recreatable(kind: KindName): boolean {
  return kindByName(kind)?.capabilities.create !== false;
}

/** `declaredKinds`: the kinds whose list key appears in some file (LoadedConfig.declaredKinds). */
export function interpretSettings(settings: Settings, declaredKinds: readonly KindName[]): TargetSettings {
  const prune = settings.prune ?? false;
  const prunedKinds = prune === true ? declaredKinds.filter(recreatable) : prune === false ? [] : [...prune];
  return {
    prunedKinds,
    pruneAll: prune === true,
    pruneFor: (kind) => prunedKinds.includes(kind),
    threshold: { ...DEFAULT_DESTROY_THRESHOLD, ...settings.destroyThreshold },
    parallelism: settings.parallelism ?? DEFAULT_PARALLELISM,
    quotas: { ...settings.quotas },
  };
}
