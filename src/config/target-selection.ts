/**
 * Which targets see a resource item: `onlyTargets: [staging, prod]` or `exceptTargets: [dev]`
 * beside `lifecycle` (octoDNS's `included` / `excluded`). An item without either goes to every
 * target. A target the item does not apply to sees the resource as undeclared (resolve.ts leaves
 * it out of that target's view), so it is left alone there, or pruned under the prune rules.
 *
 * Target names are written literally (no `${...}`: which targets see an item cannot depend on a
 * target's own variables) and must be targets the config declares. Checked once per config, at
 * load time; two items of one identity overlapping on a target are caught per target, by the
 * duplicate check of validate.ts (identities may use `${var.x}`, known only per target).
 */
import type { Problem, SourcePos } from '../errors.js';
import type { Path } from '../kinds/types.js';
import { didYouMean, joinPath } from './annotations.js';
import { MAX_COLLECTED_PROBLEMS } from './bounds.js';

export const SELECTION_KEYS = ['onlyTargets', 'exceptTargets'] as const;
export type SelectionKey = (typeof SELECTION_KEYS)[number];

/** The two keys as written, when well-formed (lists of strings). */
export interface TargetSelection {
  onlyTargets?: string[];
  exceptTargets?: string[];
}

/** What the checks need of a loaded item. */
interface SelectableItem {
  label: string;
  pos: SourcePos;
  onlyTargets?: unknown;
  exceptTargets?: unknown;
  positionOf(path: Path): SourcePos;
  keyPositionOf(path: Path): SourcePos;
}

function isNameList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string');
}

/** The item's selection, its malformed keys left out (they were reported; the item then goes everywhere). */
export function selectionOf(item: SelectableItem): TargetSelection {
  const out: TargetSelection = {};
  if (isNameList(item.onlyTargets)) out.onlyTargets = item.onlyTargets;
  if (isNameList(item.exceptTargets)) out.exceptTargets = item.exceptTargets;
  return out;
}

/** Whether `target` sees the item. */
export function appliesTo(selection: TargetSelection, target: string): boolean {
  if (selection.onlyTargets && !selection.onlyTargets.includes(target)) return false;
  if (selection.exceptTargets?.includes(target)) return false;
  return true;
}

/** `onlyTargets: [staging, prod]`: how messages show an item's selection. */
export function describeSelection(selection: TargetSelection): string {
  const parts = SELECTION_KEYS.filter((k) => selection[k]).map((k) => `${k}: [${selection[k]!.join(', ')}]`);
  return parts.length ? parts.join(', ') : 'every target';
}

/**
 * Shape and names of every item's selection: a non-empty list of declared target names, not both
 * keys on one item. An item left with no target at all is a warning (it is declared nowhere).
 */
export function selectionProblems(items: readonly SelectableItem[], targets: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const unlisted: { n: number; first?: SelectableItem } = { n: 0 };
  for (const item of items) {
    const present = SELECTION_KEYS.filter((k) => Object.hasOwn(item, k));
    if (!present.length) continue;
    const error = (path: Path, message: string, hint: string, pos?: SourcePos) => {
      // A list of thousands of wrong names is as many problems: past the bound they are counted.
      if (problems.length >= MAX_COLLECTED_PROBLEMS) {
        unlisted.n++;
        unlisted.first ??= item;
        return;
      }
      const where = joinPath(item.label, path);
      problems.push({
        severity: 'error',
        message: `${where}: ${message}`,
        hint,
        pos: pos ?? item.positionOf(path),
        path: where,
      });
    };
    if (present.length === 2)
      error(
        ['exceptTargets'],
        'an item takes onlyTargets or exceptTargets, not both',
        'keep one: onlyTargets lists the targets the item goes to, exceptTargets those it does not',
        item.keyPositionOf(['exceptTargets']),
      );
    for (const key of present) {
      const value = item[key];
      if (!isNameList(value)) {
        error([key], 'must be a non-empty list of target names', `e.g. ${key}: [${targets.slice(0, 2).join(', ')}]`);
        continue;
      }
      value.forEach((name, i) => {
        if (targets.includes(name)) return;
        const hint = name.includes('${')
          ? 'target names are written literally: which targets see an item cannot depend on variables'
          : targets.length
            ? `the config declares ${targets.join(', ')}`
            : 'declare the target under targets:';
        error([key, i], `unknown target '${name}'${didYouMean(name, targets)}`, hint);
      });
    }
    const selection = selectionOf(item);
    const namesKnown = present.every((k) => isNameList(item[k]) && item[k].every((n) => targets.includes(n)));
    if (namesKnown && present.length === 1 && !targets.some((t) => appliesTo(selection, t)))
      problems.push({
        severity: 'warning',
        message: `${item.label}: ${describeSelection(selection)} leaves no target: the item is declared nowhere`,
        hint: 'remove the item, or name a target it goes to',
        pos: item.keyPositionOf([present[0]]),
        path: joinPath(item.label, [present[0]]),
      });
  }
  if (unlisted.first)
    problems.push({
      severity: 'error',
      message: `${unlisted.first.label}: ${unlisted.n} more onlyTargets/exceptTargets problems from here on are not listed`,
      hint: 'fix the ones listed and validate again',
      pos: unlisted.first.pos,
      path: unlisted.first.label,
    });
  return problems;
}
