/**
 * Saved plans: `plan --out FILE` writes the plan a reviewer saw; `apply FILE` never executes it.
 * A saved plan is a checksum of what was reviewed, not a script: apply reads the config and the
 * live state again, builds the plan again, and goes ahead only when the new plan equals the saved
 * one in every change, field, body and safety verdict. A hand-edited file (an added delete, a
 * changed body, an emptied `blocked`) or a world that moved since (a tag changed in the console)
 * is refused with every difference listed, and nothing is written.
 *
 * It also binds where apply acts and what it read (PlanBinding): region, instance, account,
 * endpoint, Chatbot region, the settings and a digest of every config file. Not the identity:
 * the documented workflow plans with a read-only role and applies with another.
 *
 * The file holds only printable data (the renderers' redacted form): it is a CI artifact. It is
 * untrusted when read back (replaceable between the jobs): checked against a JSON schema first,
 * so a damaged or foreign file is one line, never a TypeError.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { savedPlanSchema } from '../config/plan-schemas.js';
import { SafetyError, UsageError } from '../errors.js';
import { canonicalJson, sha256 } from '../kinds/common.js';
import type { KindName } from '../kinds/types.js';
import { writeFileAtomically } from '../util/write-file.js';
import { PLAN_VERSION, type Change, type Plan } from './plan.js';
import { redactPlan } from './redact.js';

/** Recognises a saved plan by content, whatever the file is called (`--out tfplan`). */
export const SAVED_PLAN_FORMAT = 'connectform-saved-plan';

/** A saved plan is our own JSON: anything larger was not written by `plan --out`. */
const MAX_SAVED_PLAN_BYTES = 64 * 1024 * 1024;

/**
 * Where apply acts and what it read, compared member by member before anything is applied.
 * Values are in printable form (a region from a sensitive variable is its marker).
 */
export interface PlanBinding {
  region: string;
  instanceId: string;
  /** The account the credentials act in, as configured or learned through sts:GetCallerIdentity. */
  accountId: string;
  /** The endpoint the clients use (`AWS` when none), or the in-process sandbox's state file. */
  endpoint: string;
  chatbotRegion: string;
  /** sha256 of the target's interpreted settings (canonical JSON). */
  settings: string;
  /** Every config file read, relative to the working directory, with the sha256 of its bytes. */
  configFiles: { path: string; sha256: string }[];
}

/** What the CLI knows of a session once it has planned: the binding is computed from it. */
export interface BindingSource {
  region: string;
  instanceId: string;
  accountId: string;
  endpoint: string;
  chatbotRegion: string;
  settings: unknown;
  /** The files the config loader read. */
  configFiles: readonly string[];
  /** The config paths they were found through (arguments, --config, or the saved plan's). */
  configPaths: readonly string[];
}

export interface SavedPlan extends Plan {
  format: typeof SAVED_PLAN_FORMAT;
  /** The config files/directories as passed to plan, relative to the working directory. */
  configPaths: string[];
  /** `--kinds` the plan was limited to; apply re-plans the same kinds. */
  kinds?: KindName[];
  binding: PlanBinding;
}

/** `path` relative to the working directory, with `/` separators (the file moves between machines). */
function fromCwd(path: string): string {
  return (relative(process.cwd(), resolve(path)) || '.').split(sep).join('/');
}

/**
 * A config file's name relative to the config path it was found through: `rules.yaml` for
 * `config/rules.yaml` found through `config/`, the base name for a file passed itself. So apply
 * may read the same files through `--config` from another checkout, and they still compare.
 */
function nameWithin(file: string, configPaths: readonly string[]): string {
  const abs = resolve(file);
  for (const p of configPaths) {
    const root = resolve(p);
    if (root === abs) return basename(abs);
    const rel = relative(root, abs);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return fromCwd(abs);
}

export function bindingOf(src: BindingSource): PlanBinding {
  return {
    region: src.region,
    instanceId: src.instanceId,
    accountId: src.accountId,
    endpoint: src.endpoint,
    chatbotRegion: src.chatbotRegion,
    settings: sha256(canonicalJson(src.settings ?? null)),
    configFiles: src.configFiles.map((f) => ({
      path: nameWithin(f, src.configPaths),
      sha256: createHash('sha256').update(readFileSync(f)).digest('hex'),
    })),
  };
}

/**
 * Write `plan` (already in printable form) to `file`, readable by its owner only: a plan shows
 * the account's configuration, and CI artifacts outlive the job.
 */
export function writeSavedPlan(
  file: string,
  plan: Plan,
  configPaths: string[],
  binding: PlanBinding,
  kinds?: KindName[],
): void {
  const saved: SavedPlan = {
    format: SAVED_PLAN_FORMAT,
    ...redactPlan(plan),
    configPaths: configPaths.map(fromCwd),
    ...(kinds?.length ? { kinds } : {}),
    binding,
  };
  writeFileAtomically(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
}

let validator: ValidateFunction | undefined;

/** Compiled on the first read of a saved plan: ajv is large, and most runs read none (as config/validate.ts). */
function savedPlanValidator(): ValidateFunction {
  if (!validator) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    validator = new Ajv({ allErrors: false, strict: false }).compile(savedPlanSchema());
  }
  return validator;
}

/** `changes/0/fields: must be array` → the first schema problem, in one phrase. */
function firstProblem(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'not a saved plan';
  const where = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'the document';
  if (e.keyword === 'required') return `${where}: ${String(e.params.missingProperty)} is missing`;
  if (e.keyword === 'additionalProperties') return `${where}: unexpected member ${String(e.params.additionalProperty)}`;
  return `${where}: ${e.message ?? 'is not valid'}`;
}

/**
 * The saved plan in `file`, or undefined when the file is not one (a config). Decided by the
 * content's first bytes, not the name; an older connectform's plan, another format version or a
 * damaged file is refused in one line, not guessed at.
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
  const content = readFileSync(file, 'utf8');
  if (!content.trimStart().startsWith('{')) return undefined; // YAML: a config
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return undefined; // a JSON-looking config: the config loader explains what is wrong with it
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  if (d.format !== SAVED_PLAN_FORMAT) {
    if (Array.isArray(d.changes) && Array.isArray(d.configPaths)) {
      throw new UsageError(`${file}: a plan saved by an older connectform; make it again with plan --out`);
    }
    return undefined;
  }
  if (d.version !== PLAN_VERSION) {
    throw new UsageError(
      `${file}: plan format version ${JSON.stringify(d.version)?.slice(0, 20)} is not supported by this connectform (it reads version ${PLAN_VERSION}); make it again with plan --out`,
    );
  }
  const valid = savedPlanValidator();
  if (!valid(doc)) {
    throw new UsageError(
      `${file}: not a complete saved plan (${firstProblem(valid.errors)}); make it again with plan --out`,
    );
  }
  return doc as SavedPlan;
}

/**
 * The config paths apply reads: `--config PATH…` when given, else the saved plan's, which must
 * resolve inside the working directory's tree (the repository): the file is untrusted, and a
 * path it names elsewhere (`/tmp/other`, `../../x`) is refused rather than read.
 */
export function savedConfigPaths(saved: SavedPlan, file: string, override?: readonly string[]): string[] {
  if (override?.length) return [...override];
  const root = process.cwd();
  return saved.configPaths.map((p) => {
    const at = resolve(root, p);
    const rel = relative(root, at);
    if (isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel))
      throw new UsageError(
        `${file}: config path ${JSON.stringify(p)} is outside the working directory; run apply from the repository the plan was made in, or pass --config PATH`,
      );
    return at;
  });
}

/** Every bound value that differs between the saved plan and now, in words. */
export function bindingDifferences(saved: PlanBinding, now: PlanBinding): string[] {
  const out: string[] = [];
  for (const key of ['region', 'instanceId', 'accountId', 'endpoint', 'chatbotRegion'] as const) {
    if (saved[key] !== now[key])
      out.push(
        `${key}: the plan was made for ${JSON.stringify(saved[key])}, apply would act on ${JSON.stringify(now[key])}`,
      );
  }
  if (saved.settings !== now.settings) out.push('settings: differ from those the plan was made with');
  const savedFiles = new Map(saved.configFiles.map((f) => [f.path, f.sha256] as const));
  const nowFiles = new Map(now.configFiles.map((f) => [f.path, f.sha256] as const));
  for (const [path, digest] of savedFiles) {
    const current = nowFiles.get(path);
    if (current === undefined) out.push(`config file ${path}: read by the plan, not by apply`);
    else if (current !== digest) out.push(`config file ${path}: changed since the plan was made`);
  }
  for (const path of nowFiles.keys())
    if (!savedFiles.has(path)) out.push(`config file ${path}: read by apply, not by the plan`);
  return out;
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

/**
 * Refuse (listing every difference) unless the re-derived plan is the reviewed one, made for the
 * same place from the same files (`binding`, when the saved plan carries one).
 */
export function assertSamePlan(
  saved: Plan & { binding?: PlanBinding },
  now: Plan,
  file: string,
  binding?: PlanBinding,
): void {
  // Compared in printable form, the only form the file can hold: a sensitive value that changed
  // shows as `changed` in both, or the plans differ.
  const diffs = [
    ...(saved.binding && binding ? bindingDifferences(saved.binding, binding) : []),
    ...planDifferences(saved, redactPlan(now)),
  ];
  if (diffs.length) {
    throw new SafetyError(
      `${file} is not what a plan made now would do; nothing was applied. Review a new plan (plan --out) and apply that:\n  - ${diffs.join('\n  - ')}`,
      diffs,
    );
  }
}
