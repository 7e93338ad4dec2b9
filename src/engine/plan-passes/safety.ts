/**
 * Plan pass 4, the safety rails, in two halves (after octoDNS's Plan.raise_if_unsafe): planning
 * records what a rail objects to as the plan's `blocked` (preventDestroy is recorded by classify,
 * the destroy threshold here), so `plan` shows it and `plan --detailed-exitcode` exits 3; apply
 * calls raiseIfUnsafe before its first write call.
 */
import { DEFAULT_DESTROY_THRESHOLD, type DestroyThreshold } from '../../config/settings.js';
import { SafetyError } from '../../errors.js';
import type { LiveResource, ResourceKind } from '../../kinds/types.js';
import type { Blocker, Change, Plan } from '../plan.js';
import { isOurs } from './prune.js';

/**
 * The destroy threshold of one kind: more than `percent` of the resources it manages deleted or
 * replaced at once, when it manages at least `minResources`.
 */
export function thresholdBlockers(
  kind: ResourceKind,
  live: readonly LiveResource[],
  changes: readonly Change[],
  threshold: DestroyThreshold = DEFAULT_DESTROY_THRESHOLD,
): Blocker[] {
  const existing = live.filter((l) => isOurs(kind, l)).length;
  const destroys = changes.filter((c) => c.action === 'delete' || c.action === 'replace').length;
  if (existing < threshold.minResources || destroys <= (existing * threshold.percent) / 100) return [];
  return [
    {
      rule: 'threshold',
      kind: kind.name,
      message: `${destroys} of ${existing} managed ${kind.configKey} would be deleted or replaced (more than ${threshold.percent}%); re-run with --force if that is intended`,
    },
  ];
}

/** Refuse before any write call when a safety rail says no (--force lifts the threshold only). */
export function raiseIfUnsafe(plan: Plan, force: boolean | undefined): void {
  const hard = plan.blocked.filter((b) => b.rule === 'preventDestroy');
  const soft = plan.blocked.filter((b) => b.rule === 'threshold');
  const reasons = [...hard, ...(force ? [] : soft)].map((b) => b.message);
  if (reasons.length) {
    const forceHint = hard.length ? 'remove lifecycle.preventDestroy from the config first' : 'or re-run with --force';
    throw new SafetyError(`apply refused (${forceHint}):\n  - ${reasons.join('\n  - ')}`, reasons);
  }
}
