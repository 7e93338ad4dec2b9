/**
 * The merge of several targets' exports into one config (src/engine/export-merge.ts), on data:
 * where a var is cut, when an item splits into per-target variants, how names avoid the
 * config's vars, and that each target's resolved items are exactly what that target holds.
 */
import { describe, expect, it } from 'vitest';
import { mergeTargets } from '../../src/engine/export-merge.js';
import type { ExportedEntry, TargetExport } from '../../src/engine/export.js';
import type { Body } from '../../src/kinds/types.js';

const target = (name: string, entries: ExportedEntry[], skipped: TargetExport['skipped'] = []): TargetExport => ({
  target: name,
  kinds: [{ kind: 'taskTemplate', configKey: 'taskTemplates', entries }],
  skipped,
  notes: [],
});
const entry = (body: Body, extra: Partial<ExportedEntry> = {}): ExportedEntry => ({
  key: String(body.Name),
  body,
  ...extra,
});

/** What one target's items resolve to: vars substituted (whole values only), its items only. */
function resolvedFor(result: ReturnType<typeof mergeTargets>, name: string): Body[] {
  const vars = result.vars[name];
  const sub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\$\{var\.([a-z0-9_]+)\}$/.exec(v);
      return m ? vars[m[1]] : v;
    }
    if (Array.isArray(v)) return v.map(sub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)]));
    return v;
  };
  return result.kinds[0].items
    .filter((i) => !i.onlyTargets || (i.onlyTargets as string[]).includes(name))
    .map((i) => {
      const { onlyTargets: _, lifecycle: __, ...body } = i;
      return sub(body) as Body;
    });
}

describe('mergeTargets', () => {
  const dev = [
    entry({ Name: 'a', Description: 'same', Fields: [{ Id: { Name: 'T' } }, { Id: { Name: 'U' } }] }),
    entry({ Name: 'b', Description: 'dev text', Status: 'ACTIVE' }),
    entry({ Name: 'c', Description: 'only in dev' }),
    entry({ Name: 'd', Description: 'described' }),
  ];
  const prod = [
    entry({ Name: 'a', Description: 'same', Fields: [{ Id: { Name: 'T' } }] }),
    entry({ Name: 'b', Description: 'prod text', Status: 'ACTIVE' }),
    entry({ Name: 'd' }),
  ];
  const result = mergeTargets([target('dev', dev), target('prod', prod)], ['b_description']);

  it('gives every target exactly what it holds', () => {
    expect(resolvedFor(result, 'dev')).toEqual(expect.arrayContaining(dev.map((e) => e.body)));
    expect(resolvedFor(result, 'dev')).toHaveLength(dev.length);
    expect(resolvedFor(result, 'prod')).toEqual(expect.arrayContaining(prod.map((e) => e.body)));
    expect(resolvedFor(result, 'prod')).toHaveLength(prod.length);
  });

  it('cuts a var as deep as the shapes allow, whole where lengths differ', () => {
    const [a, b] = result.kinds[0].items;
    expect(a.Description).toBe('same');
    expect(a.Fields).toBe('${var.a_fields}');
    expect(result.vars.prod.a_fields).toEqual([{ Id: { Name: 'T' } }]);
    // b_description is the config's own var: the new one takes the next name.
    expect(b).toEqual({ Name: 'b', Description: '${var.b_description_2}', Status: 'ACTIVE' });
  });

  it('a resource some targets lack gets onlyTargets; different field sets become per-target variants', () => {
    const items = result.kinds[0].items;
    expect(items.find((i) => i.Name === 'c')?.onlyTargets).toEqual(['dev']);
    expect(items.filter((i) => i.Name === 'd').map((i) => i.onlyTargets)).toEqual([['dev'], ['prod']]);
  });

  it('joins resources one config item declares under different names; the name becomes a var', () => {
    const merged = mergeTargets([
      target('dev', [
        entry({ Name: 'esc-dev', X: 1 }, { origin: 'f.yaml#taskTemplates[0]', lifecycle: { preventDestroy: true } }),
      ]),
      target('prod', [
        entry({ Name: 'esc-prod', X: 1 }, { origin: 'f.yaml#taskTemplates[0]', lifecycle: { preventDestroy: true } }),
      ]),
    ]);
    expect(merged.kinds[0].items).toEqual([{ Name: '${var.esc_name}', X: 1, lifecycle: { preventDestroy: true } }]);
    expect(merged.vars).toEqual({ dev: { esc_name: 'esc-dev' }, prod: { esc_name: 'esc-prod' } });
  });

  it('leaves out a kind one target could not read, and says so', () => {
    const merged = mergeTargets([
      target('dev', dev),
      { ...target('prod', []), kinds: [], skipped: [{ kind: 'taskTemplate', reason: 'AccessDenied' }] },
    ]);
    expect(merged.kinds).toEqual([]);
    expect(merged.skipped).toEqual([{ kind: 'taskTemplate', reason: 'AccessDenied' }]);
    expect(merged.notes.join('\n')).toMatch(/taskTemplate not exported from dev either/);
  });

  it('sorts items by identity, wherever the targets hold them', () => {
    const merged = mergeTargets([
      target('dev', [entry({ Name: 'b' })]),
      target('prod', [entry({ Name: 'a' }), entry({ Name: 'b' })]),
    ]);
    expect(merged.kinds[0].items).toEqual([{ Name: 'a', onlyTargets: ['prod'] }, { Name: 'b' }]);
  });

  it('one target: no var, no onlyTargets', () => {
    const merged = mergeTargets([target('dev', dev)]);
    expect(merged.kinds[0].items).toEqual(dev.map((e) => e.body));
    expect(merged.vars).toEqual({ dev: {} });
  });
});
