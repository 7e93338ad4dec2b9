/**
 * Saved plans: `plan --out FILE` writes the plan a reviewer saw; `apply FILE` never executes it.
 * A saved plan is a checksum of what was reviewed, not a script: apply reads the config and the
 * live state again, builds the plan again, and goes ahead only when the new plan equals the saved
 * one in every change, field, body and safety verdict. A hand-edited file (an added delete, a
 * changed body, an emptied `blocked`) or a world that moved since (a tag changed in the console)
 * is refused with every difference listed, and nothing is written.
 *
 * The file holds only printable data (the renderers' redacted form): it is a CI artifact.
 */
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomically } from '../util/write-file.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SafetyError, UsageError } from '../errors.js';
import { canonicalJson } from '../kinds/common.js';
import type { KindName } from '../kinds/types.js';
import { PLAN_VERSION, type Change, type Plan } from './plan.js';

/** Recognises a saved plan by content, whatever the file is called (`--out tfplan`). */
export const SAVED_PLAN_FORMAT = 'connectform-saved-plan';

/** A saved plan is our own JSON: anything larger was not written by `plan --out`. */
const MAX_SAVED_PLAN_BYTES = 64 * 1024 * 1024;
import { redactPlan } from './redact.js';

export interface SavedPlan extends Plan {
  format: typeof SAVED_PLAN_FORMAT;
  /** The config files/directories, relative to the plan file's directory (it may be moved with them). */
  configPaths: string[];
  /** `--kinds` the plan was limited to; apply re-plans the same kinds. */
  kinds?: KindName[];
}

/**
 * Write `plan` (already in printable form) to `file`, readable by its owner only: a plan shows
 * the account's configuration, and CI artifacts outlive the job.
 */
export function writeSavedPlan(file: string, plan: Plan, configPaths: string[], kinds?: KindName[]): void {
  const base = dirname(resolve(file));
  const saved: SavedPlan = {
    format: SAVED_PLAN_FORMAT,
    ...redactPlan(plan),
    configPaths: configPaths.map((p) => relative(base, resolve(p)) || '.'),
    ...(kinds?.length ? { kinds } : {}),
  };
  writeFileAtomically(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The saved plan in `file`, or undefined when the file is not one (a config). Decided by the
 * content's first bytes, not the name; an older connectform's plan is refused, not guessed at.
 */
export function readSavedPlanIfAny(file: string): SavedPlan | undefined {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return undefined;
    size = st.size;
  } catch {
    return undefined; // the config loader reports missing paths with its own message
  }
  if (size > MAX_SAVED_PLAN_BYTES) return undefined;
  const text = readFileSync(file, 'utf8');
  if (!text.trimStart().startsWith('{')) return undefined; // YAML: a config
  let doc: Partial<SavedPlan> & { version?: unknown };
  try {
    doc = JSON.parse(text) as Partial<SavedPlan>;
  } catch {
    return undefined; // a JSON-looking config: the config loader explains what is wrong with it
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  if (doc.format !== SAVED_PLAN_FORMAT) {
    if (Array.isArray(doc.changes) && Array.isArray(doc.configPaths)) {
      throw new UsageError(`${file}: a plan saved by an older connectform; make it again with plan --out`);
    }
    return undefined;
  }
  if (doc.version !== PLAN_VERSION) {
    throw new UsageError(
      `${file}: plan format version ${String(doc.version)} is not supported by this connectform (it reads version ${PLAN_VERSION}); make it again with plan --out`,
    );
  }
  if (
    typeof doc.target !== 'string' ||
    !Array.isArray(doc.changes) ||
    !Array.isArray(doc.configPaths) ||
    !doc.configPaths.every((p) => typeof p === 'string')
  ) {
    throw new UsageError(
      `${file}: not a complete saved plan (target, changes or configPaths missing); make it again with plan --out`,
    );
  }
  return doc as SavedPlan;
}

/** The saved plan's config paths, resolved against the plan file's directory. */
export function savedConfigPaths(saved: SavedPlan, file: string): string[] {
  const base = dirname(resolve(file));
  return saved.configPaths.map((p) => (isAbsolute(p) ? p : resolve(base, p)));
}

/**
 * Every way `now` (re-derived at apply time, printable form) differs from `saved`, in words.
 * Empty = apply may proceed. `createdAt`, notes and the unchanged/unmanaged counts are not
 * compared: they carry no instruction for apply.
 */
export function planDifferences(saved: Plan, now: Plan): string[] {
  const out: string[] = [];
  if (saved.target !== now.target) out.push(`the plan is for target "${saved.target}", not "${now.target}"`);
  if (saved.scope?.region !== now.scope.region || saved.scope?.instanceId !== now.scope.instanceId) {
    out.push(
      `the plan was made for ${saved.scope?.region}/${saved.scope?.instanceId}, the target is now ${now.scope.region}/${now.scope.instanceId}`,
    );
  }
  if (saved.configFingerprint !== now.configFingerprint) out.push('the config changed since the plan was made');

  const key = (c: Change) => `${c.kind} "${c.name}"`;
  const savedChanges = new Map<string, Change>();
  for (const c of Array.isArray(saved.changes) ? saved.changes : []) {
    if (savedChanges.has(key(c))) out.push(`${key(c)} appears twice in the saved plan`);
    savedChanges.set(key(c), c);
  }
  const nowChanges = new Map(now.changes.map((c) => [key(c), c] as const));
  for (const [k, c] of savedChanges) {
    const current = nowChanges.get(k);
    if (!current) out.push(`${k}: the saved plan would ${c.action} it; a plan made now has no change for it`);
    else out.push(...changeDifferences(k, c, current));
  }
  for (const [k, c] of nowChanges)
    if (!savedChanges.has(k)) out.push(`${k}: a plan made now would ${c.action} it; the saved plan does not`);

  const verdict = (p: Plan) => (Array.isArray(p.blocked) ? p.blocked : []).map((b) => canonicalJson(b)).sort();
  const savedBlocked = verdict(saved);
  const nowBlocked = verdict(now);
  if (canonicalJson(savedBlocked) !== canonicalJson(nowBlocked)) {
    for (const b of now.blocked)
      if (!savedBlocked.includes(canonicalJson(b)))
        out.push(`a plan made now is blocked: ${b.message}; the saved plan says otherwise`);
    for (const b of saved.blocked ?? [])
      if (!nowBlocked.includes(canonicalJson(b)))
        out.push(`the saved plan is blocked by "${b.message}"; a plan made now is not`);
  }
  return out;
}

/** What apply would do differently for one resource: action, identity, fields, body. */
function changeDifferences(k: string, saved: Change, now: Change): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
  if (saved.action !== now.action)
    out.push(`${k}: the saved plan would ${saved.action} it; a plan made now would ${now.action} it`);
  if (saved.id !== now.id)
    out.push(`${k}: the live resource is not the one planned (id ${saved.id ?? '(none)'} → ${now.id ?? '(none)'})`);
  if (saved.liveVersion !== now.liveVersion)
    out.push(
      `${k}: changed since the plan was made (version ${saved.liveVersion ?? '(none)'} → ${now.liveVersion ?? '(none)'})`,
    );
  const savedFields = new Map((saved.fields ?? []).map((f) => [f.path, f] as const));
  const nowFields = new Map((now.fields ?? []).map((f) => [f.path, f] as const));
  const fieldPaths = [...new Set([...savedFields.keys(), ...nowFields.keys()])].sort();
  const moved = fieldPaths.filter((p) => !same(savedFields.get(p), nowFields.get(p)));
  if (moved.length) out.push(`${k}: fields differ from the saved plan: ${moved.join(', ')}`);
  if (!same(saved.desired, now.desired)) out.push(`${k}: the body apply would send differs from the saved plan`);
  for (const field of ['reason', 'renamedFrom', 'mark', 'lifecycle'] as const) {
    if (!same(saved[field], now[field])) out.push(`${k}: ${field} differs from the saved plan`);
  }
  return out;
}

/** Refuse (listing every difference) unless the re-derived plan is the reviewed one. */
export function assertSamePlan(saved: Plan, now: Plan, file: string): void {
  // Compared in printable form, the only form the file can hold: a sensitive value that changed
  // shows as `changed` in both, or the plans differ.
  const diffs = planDifferences(saved, redactPlan(now));
  if (diffs.length) {
    throw new SafetyError(
      `${file} is not what a plan made now would do; nothing was applied. Review a new plan (plan --out) and apply that:\n  - ${diffs.join('\n  - ')}`,
      diffs,
    );
  }
}
