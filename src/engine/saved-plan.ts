/**
 * Saved plans: `plan --out plan.json` writes the plan with what is needed to re-check it;
 * `apply plan.json` applies exactly that plan, and refuses when the config or any resource in
 * the plan changed since. Nothing secret is in the file: it holds the printable plan (redact.ts:
 * sensitive values are markers, no digests), and credentials never enter a plan.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SafetyError, UsageError } from '../errors.js';
import type { LiveResource } from '../kinds/types.js';
import { PLAN_VERSION, type Plan } from './plan.js';
import { liveKey } from './planner.js';
import { redactPlan } from './redact.js';

export interface SavedPlan extends Plan {
  /** The config the plan was made from, as given on the command line (relative to the cwd). */
  configPaths: string[];
}

export function writeSavedPlan(file: string, plan: Plan, configPaths: string[]): void {
  const saved: SavedPlan = { ...redactPlan(plan), configPaths };
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
}

/** True when `file` looks like a saved plan rather than a config. */
export function isSavedPlanFile(file: string): boolean {
  if (!file.endsWith('.json')) return false;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedPlan>;
    return typeof doc.version === 'number' && Array.isArray(doc.changes) && Array.isArray(doc.configPaths);
  } catch {
    return false;
  }
}

export function readSavedPlan(file: string): SavedPlan {
  let doc: SavedPlan;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as SavedPlan;
  } catch (err) {
    throw new UsageError(`${file}: not a readable plan file (${(err as Error).message})`);
  }
  if (doc.version !== PLAN_VERSION) {
    throw new UsageError(`${file}: plan format version ${doc.version} is not supported by this connectform (it writes and reads version ${PLAN_VERSION}); plan again`);
  }
  return doc;
}

/**
 * Refuse (SafetyError listing every reason) when the plan no longer describes reality:
 * a different config, another instance/region, or a resource in the plan that moved.
 */
export function assertPlanCurrent(
  saved: SavedPlan,
  now: { configFingerprint: string; scope: { region: string; instanceId: string }; target: string },
  live: ReadonlyMap<string, LiveResource>,
): void {
  const reasons: string[] = [];
  if (saved.target !== now.target) reasons.push(`the plan is for target "${saved.target}", not "${now.target}"`);
  if (saved.scope.region !== now.scope.region || saved.scope.instanceId !== now.scope.instanceId) {
    reasons.push(`the plan was made for ${saved.scope.region}/${saved.scope.instanceId}, the target is now ${now.scope.region}/${now.scope.instanceId}`);
  }
  if (saved.configFingerprint !== now.configFingerprint) reasons.push('the config changed since the plan was made');
  for (const c of saved.changes) {
    if (c.action === 'manual') continue;
    const current = live.get(liveKey(c.kind, c.renamedFrom ?? c.name));
    if (c.action === 'create') {
      if (live.has(liveKey(c.kind, c.name))) reasons.push(`${c.kind} "${c.name}" now exists (the plan would create it)`);
    } else if (!current) {
      reasons.push(`${c.kind} "${c.name}" no longer exists (the plan would ${c.action} it)`);
    } else if (current.id !== c.id || current.version !== c.liveVersion) {
      reasons.push(`${c.kind} "${c.name}" changed since the plan was made (version ${c.liveVersion} → ${current.version})`);
    }
  }
  if (reasons.length) {
    throw new SafetyError(`the saved plan is stale; run plan again:\n  - ${reasons.join('\n  - ')}`, reasons);
  }
}
