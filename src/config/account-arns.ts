/**
 * A value that can only be right in one account: an ARN with an account id (a custom action's
 * chat configurations, a contact flow ARN, any ARN-valued field). Found generically, by walking
 * every resolved body for strings shaped like such an ARN, not field by field, and checked
 * against the target's account: its `accountId` at validation, or the account the credentials
 * act in (sts:GetCallerIdentity) before the first read or write when no accountId is written.
 * Without the check such a config validates and apply fails on the first write (issue 21: 58 s).
 */
import type { Problem } from '../errors.js';
import type { DeclaredResource, Path } from '../kinds/types.js';
import { joinPath } from './annotations.js';

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:...` with a 12-digit account (IAM's region is empty). */
const ACCOUNT_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/;

/** How the message names the target's account. */
export interface TargetAccount {
  target: string;
  account: string;
  /** `its accountId`, `the account of its credentials`; how the account was learned. */
  source: string;
  /** The account as messages may show it (a marker when it came from a sensitive variable). */
  shown?: string;
}

/**
 * Tags are free text AWS never resolves: an ARN of another account there (an owner, a cost
 * record) is a label, not a reference, and is right in every account.
 */
const FREE_TEXT_FIELDS = new Set(['Tags', 'tags']);

/** Every ARN string in `value` with its path, depth-first in document order. */
function* arnsIn(value: unknown, path: Path): Generator<{ path: Path; account: string }> {
  if (typeof value === 'string') {
    const m = ACCOUNT_ARN.exec(value);
    if (m) yield { path, account: m[1] };
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* arnsIn(v, [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* arnsIn(v, [...path, k]);
  }
}

function isSensitive(d: DeclaredResource, path: Path): boolean {
  return (d.sensitive ?? []).some((s) => s.path.length <= path.length && s.path.every((seg, i) => seg === path[i]));
}

/** One error per ARN of another account than `target.account`, positioned at the value. */
export function accountArnProblems(resources: readonly DeclaredResource[], target: TargetAccount): Problem[] {
  const problems: Problem[] = [];
  const shownTarget = target.shown ?? target.account;
  for (const d of resources) {
    const body = Object.entries(d.body).filter(([k]) => !FREE_TEXT_FIELDS.has(k));
    for (const { path, account } of arnsIn(Object.fromEntries(body), [])) {
      if (account === target.account) continue;
      const where = joinPath(d.label ?? d.kind, path);
      // An ARN from a sensitive variable is not quoted, not even its account.
      const of = isSensitive(d, path)
        ? 'the ARN (from a sensitive variable) is of another account'
        : `the ARN is of account ${account}`;
      problems.push({
        severity: 'error',
        message: `${where}: ${of}, but target ${target.target} is account ${shownTarget} (${target.source}); it cannot be right there`,
        hint: "declare the resource only for that account's targets with onlyTargets, or write the ARN per target with ${var.x}",
        pos: d.positionOf(path),
        path: where,
      });
    }
  }
  return problems;
}
