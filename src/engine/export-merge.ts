/**
 * Several targets' live state as the one config a person would have written for them (export
 * `-t dev -t prod`): a resource is one item wherever the targets hold it; a value every target
 * agrees on is written as it is; a value they disagree on becomes `${var.NAME}`, with each
 * target's value under its `vars` (var-names.ts names it, as pull does); a resource only some
 * targets hold gets `onlyTargets`. Pure: export.ts reads, this merges, render/ writes.
 *
 * Which live resources are "the same" resource: those with the same identity (name), and those
 * the config declares with the same item (`Name: escalate-${var.env}` is one item, so its dev
 * and prod resources are one item again, its name a var). Differences are cut as deep as the
 * shapes allow, so a var holds the least it can: maps with the same keys and lists of the same
 * length are merged member by member; anything else is one var holding the whole value.
 */
import { canonicalJson, cmp } from '../kinds/common.js';
import type { Body, Lifecycle } from '../kinds/types.js';
import type { ExportedEntry, ExportedKind, ExportResult, SkippedKind, TargetExport } from './export.js';
import { VarNames } from './var-names.js';

interface Member {
  target: string;
  entry: ExportedEntry;
}

/** One config item's worth of live resources: at most one per target. */
type Group = Member[];

/**
 * `exports` (one per target, in the order the user named them) as one export. `definedVars`:
 * var names the config already defines, which a new var never takes.
 */
export function mergeTargets(exports: readonly TargetExport[], definedVars: Iterable<string> = []): ExportResult {
  const targets = exports.map((e) => e.target);
  const several = targets.length > 1;
  const notes = exports.flatMap((e) => (several ? e.notes.map((n) => `target "${e.target}": ${n}`) : e.notes));

  // A kind one target could not read is left out: which targets hold its resources is unknown.
  const skipped: SkippedKind[] = [];
  for (const e of exports) for (const s of e.skipped) if (!skipped.some((x) => x.kind === s.kind)) skipped.push(s);
  for (const s of skipped) {
    const readIn = exports.filter((e) => e.kinds.some((k) => k.kind === s.kind)).map((e) => e.target);
    if (readIn.length)
      notes.push(
        `${s.kind} not exported from ${readIn.join(', ')} either: a kind is exported from every target or none`,
      );
  }

  const names = new VarNames(definedVars);
  const vars: ExportResult['vars'] = Object.fromEntries(targets.map((t) => [t, {}]));
  const kinds: ExportedKind[] = [];
  for (const { kind, configKey } of exports[0]?.kinds ?? []) {
    if (skipped.some((s) => s.kind === kind)) continue;
    const perTarget = exports.map((e) => e.kinds.find((k) => k.kind === kind)?.entries ?? []);
    const items = groupsOf(targets, perTarget).flatMap((group) =>
      variantsOf(group).map((members) => itemOf(members, targets, names, vars, notes, configKey)),
    );
    kinds.push({ kind, configKey, items });
  }
  return { targets, kinds, skipped, notes, vars };
}

/** Live resources grouped into items: by identity, then joined where one config item declares them. */
function groupsOf(targets: readonly string[], perTarget: readonly ExportedEntry[][]): Group[] {
  const groups: Group[] = [];
  targets.forEach((target, i) => {
    for (const entry of perTarget[i]) {
      const same = groups.find((g) => g[0].entry.key === entry.key && !g.some((m) => m.target === target));
      if (same) same.push({ target, entry });
      else groups.push([{ target, entry }]);
    }
  });
  // `Name: escalate-${var.env}`: one item, a different name per target.
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i];
      const b = groups[j];
      const origins = new Set(a.flatMap((m) => (m.entry.origin ? [m.entry.origin] : [])));
      const shared = b.some((m) => m.entry.origin !== undefined && origins.has(m.entry.origin));
      if (!shared || b.some((m) => a.some((n) => n.target === m.target))) continue;
      a.push(...b);
      groups.splice(j, 1);
      j = i;
    }
  }
  for (const g of groups) g.sort((x, y) => targets.indexOf(x.target) - targets.indexOf(y.target));
  // By identity, as one target's export is: a resource only a later target holds is not last.
  return groups.sort((x, y) => cmp(x[0].entry.key, y[0].entry.key));
}

/**
 * A group whose resources have different top-level fields (one sets a Description, one does
 * not) cannot be one item: a var cannot make a field absent. Each field set is its own item,
 * with the targets it holds (items of one name on disjoint targets are per-target variants).
 */
function variantsOf(group: Group): Group[] {
  const byFields = new Map<string, Group>();
  for (const m of group) {
    const fields = Object.keys(m.entry.body).sort().join('\0');
    byFields.set(fields, [...(byFields.get(fields) ?? []), m]);
  }
  return [...byFields.values()];
}

function itemOf(
  members: Group,
  targets: readonly string[],
  names: VarNames,
  vars: ExportResult['vars'],
  notes: string[],
  configKey: string,
): Body {
  const resource = commonName(members.map((m) => m.entry.key));
  const made = (path: readonly (string | number)[], values: readonly unknown[]): string => {
    const name = names.claim(resource, path);
    members.forEach((m, i) => {
      vars[m.target][name] = values[i];
    });
    return `\${var.${name}}`;
  };
  const body = mergeValues(
    members.map((m) => m.entry.body),
    [],
    made,
  ) as Body;

  const lifecycles = members.flatMap((m) => (m.entry.lifecycle ? [m.entry.lifecycle] : []));
  const lifecycle: Lifecycle | undefined = lifecycles[0];
  if (lifecycles.some((l) => canonicalJson(l) !== canonicalJson(lifecycle)))
    notes.push(
      `${configKey} "${resource}": the config gives it a different lifecycle per target; the one of target "${members.find((m) => m.entry.lifecycle)?.target}" is written`,
    );
  const holders = members.map((m) => m.target);
  return {
    ...body,
    ...(lifecycle ? { lifecycle } : {}),
    ...(holders.length < targets.length ? { onlyTargets: holders } : {}),
  };
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** The targets' values at `path` as one value: equal parts as they are, the rest through `made`. */
function mergeValues(
  values: readonly unknown[],
  path: readonly (string | number)[],
  made: (path: readonly (string | number)[], values: readonly unknown[]) => string,
): unknown {
  const first = values[0];
  const text = canonicalJson(first);
  if (values.every((v, i) => i === 0 || canonicalJson(v) === text)) return first;
  if (isRecord(first) && values.every(isRecord)) {
    const keys = Object.keys(first);
    const fields = [...keys].sort().join('\0');
    if (
      values.every(
        (v) =>
          Object.keys(v as object)
            .sort()
            .join('\0') === fields,
      )
    )
      return Object.fromEntries(
        keys.map((k) => [
          k,
          mergeValues(
            values.map((v) => (v as Record<string, unknown>)[k]),
            [...path, k],
            made,
          ),
        ]),
      );
  }
  if (Array.isArray(first) && values.every((v) => Array.isArray(v) && v.length === first.length))
    return first.map((_, i) =>
      mergeValues(
        values.map((v) => (v as unknown[])[i]),
        [...path, i],
        made,
      ),
    );
  return made(path, values);
}

/** What the vars of an item whose name differs per target are named after: the names' common start. */
function commonName(keys: readonly string[]): string {
  let prefix = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const trimmed = prefix.replace(/[^A-Za-z0-9]+$/, '');
  return trimmed || keys[0] || '';
}
