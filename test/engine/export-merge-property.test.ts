/**
 * The merge of several targets' exports as a property: for random live states of two to four
 * targets (resources present in some targets only, values equal or different at every depth,
 * lists of other lengths, maps with other keys, names that differ where one config item
 * declares them), every target's view of the merged config (its items, its vars substituted) is
 * exactly what it holds, no var name is used twice or taken from the config, and the same input
 * merges to the same output. Seeded: EXPORT_MERGE_SEED=<n> replays a run, EXPORT_MERGE_RUNS=<n>
 * runs longer (default 200, well under a second).
 */
import { describe, expect, it } from 'vitest';
import { mergeTargets } from '../../src/engine/export-merge.js';
import type { ExportedEntry, TargetExport } from '../../src/engine/export.js';
import { canonicalJson } from '../../src/kinds/common.js';
import type { Body } from '../../src/kinds/types.js';
import { prng, type Rng } from '../helpers/prng.js';

const RUNS = Number(process.env.EXPORT_MERGE_RUNS ?? 200);
const SEED = Number(process.env.EXPORT_MERGE_SEED ?? 21);
const TARGETS = ['dev', 'staging', 'prod', 'qa'];
const DEFINED = ['env', 'r0_tags_team'];

/** A small random value: scalars, lists and maps, nested a few levels. */
function value(rng: Rng, depth: number): unknown {
  const kind = depth > 2 ? rng.int(3) : rng.int(5);
  if (kind === 0) return rng.pick(['a', 'b', 'c', '$${literal}', '']);
  if (kind === 1) return rng.int(4);
  if (kind === 2) return rng.chance(0.5);
  if (kind === 3) return Array.from({ length: rng.int(3) }, () => value(rng, depth + 1));
  return Object.fromEntries(
    rng
      .shuffle(['x', 'y', 'z', 'name'])
      .slice(0, 1 + rng.int(3))
      .map((k) => [k, value(rng, depth + 1)]),
  );
}

/** A variation of `v`: often the same, else changed somewhere inside (or replaced). */
function vary(rng: Rng, v: unknown): unknown {
  if (rng.chance(0.6)) return structuredClone(v);
  if (Array.isArray(v) && v.length && rng.chance(0.6)) {
    const out = structuredClone(v);
    const i = rng.int(out.length);
    out[i] = vary(rng, out[i]);
    if (rng.chance(0.2)) out.push(value(rng, 2));
    return out;
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && rng.chance(0.7)) {
    const out = structuredClone(v) as Record<string, unknown>;
    const keys = Object.keys(out);
    const k = rng.pick(keys);
    if (rng.chance(0.2) && keys.length > 1) delete out[k];
    else out[k] = vary(rng, out[k]);
    return out;
  }
  return value(rng, 1);
}

function scenario(rng: Rng): TargetExport[] {
  const targets = TARGETS.slice(0, 2 + rng.int(3));
  const entries: ExportedEntry[][] = targets.map(() => []);
  const count = 1 + rng.int(6);
  for (let r = 0; r < count; r++) {
    const base: Body = { Name: `r${r}`, Tags: { team: value(rng, 1) }, Fields: value(rng, 0) };
    if (rng.chance(0.5)) base.Description = value(rng, 1);
    const templated = rng.chance(0.25); // one config item, a name per target
    const origin = rng.chance(0.7) ? `resources.yaml#taskTemplates[${r}]` : undefined;
    targets.forEach((t, i) => {
      if (rng.chance(0.2)) return; // this target lacks it
      const body = structuredClone(base);
      for (const k of Object.keys(body)) if (k !== 'Name') body[k] = vary(rng, body[k]);
      if (rng.chance(0.15)) delete body.Description;
      if (templated && origin) body.Name = `r${r}-${t}`;
      entries[i].push({ key: String(body.Name), body, ...(origin ? { origin } : {}) });
    });
  }
  return targets.map((t, i) => ({
    target: t,
    kinds: [{ kind: 'taskTemplate', configKey: 'taskTemplates', entries: entries[i] }],
    skipped: [],
    notes: [],
  }));
}

/** One target's view: its items (onlyTargets), every whole-value `${var.x}` replaced by its value. */
function viewOf(result: ReturnType<typeof mergeTargets>, target: string): string[] {
  const vars = result.vars[target];
  const sub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\$\{var\.([a-z0-9_]+)\}$/.exec(v);
      if (!m) return v;
      expect(Object.hasOwn(vars, m[1]), `${target} defines ${m[1]}`).toBe(true);
      return vars[m[1]];
    }
    if (Array.isArray(v)) return v.map(sub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)]));
    return v;
  };
  return (result.kinds[0]?.items ?? [])
    .filter((i) => !i.onlyTargets || (i.onlyTargets as string[]).includes(target))
    .map(({ onlyTargets: _, lifecycle: __, ...body }) => canonicalJson(sub(body)))
    .sort();
}

describe('mergeTargets as a property', () => {
  it(`every target sees exactly what it holds (${RUNS} runs from seed ${SEED})`, () => {
    for (let run = 0; run < RUNS; run++) {
      const seed = SEED + run;
      const rng = prng(seed);
      const exports = scenario(rng);
      const result = mergeTargets(exports, DEFINED);
      const why = `seed ${seed} (EXPORT_MERGE_SEED=${seed} EXPORT_MERGE_RUNS=1 replays it)`;
      for (const e of exports) {
        const held = e.kinds[0].entries.map((x) => canonicalJson(x.body)).sort();
        expect(viewOf(result, e.target), `${why}: target ${e.target}`).toEqual(held);
      }
      const made = Object.values(result.vars).flatMap((v) => Object.keys(v));
      for (const name of made) expect(DEFINED, why).not.toContain(name);
      // A var is one field's: written once in the items, defined by exactly the targets of its item.
      const uses = (result.kinds[0]?.items ?? []).flatMap((item) =>
        [...canonicalJson(item).matchAll(/\$\{var\.([a-z0-9_]+)\}/g)].map((m) => ({ name: m[1], item })),
      );
      expect(uses.map((u) => u.name).sort(), why).toEqual([...new Set(made)].sort());
      for (const { name, item } of uses) {
        const holders = (item.onlyTargets as string[] | undefined) ?? exports.map((e) => e.target);
        const definers = Object.entries(result.vars).flatMap(([t, v]) => (Object.hasOwn(v, name) ? [t] : []));
        expect(definers, `${why}: ${name}`).toEqual(holders);
      }
      expect(canonicalJson(mergeTargets(scenario(prng(seed)), DEFINED)), why).toBe(canonicalJson(result));
    }
  });
});
