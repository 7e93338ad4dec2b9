/**
 * Declared resources for the kinds' unit tests, without the config loader: from YAML text (with
 * nearest-node positions, like the loader's) or from plain bodies (positions not under test).
 */
import { LineCounter, isCollection, parseDocument, type Node } from 'yaml';
import { diffDetailed } from '../../src/engine/diff.js';
import { kindByName } from '../../src/kinds/index.js';
import { joinPath } from '../../src/problem-path.js';
import type { Body, DeclaredResource, KindName, Path } from '../../src/kinds/types.js';

const NOWHERE = { file: 'x.yaml', line: 1, col: 1 };

export function declareBodies(kind: KindName, bodies: Body[]): DeclaredResource[] {
  const configKey = kindByName(kind)!.configKey;
  return bodies.map((body, i) => ({
    kind,
    body,
    lifecycle: {},
    label: joinPath(configKey, [i]),
    pos: NOWHERE,
    positionOf: () => NOWHERE,
  }));
}

export function declareYaml(kind: KindName, text: string, key: string): DeclaredResource[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const items = doc.get(key, true);
  if (!isCollection(items)) throw new Error(`no ${key} list`);
  const data = doc.toJS()[key] as Body[];
  const toPos = (node: unknown) => {
    const { line, col } = lc.linePos((node as Node | undefined)?.range?.[0] ?? 0);
    return { file: 'connectform.yaml', line, col };
  };
  return items.items.map((_, i) => {
    const positionOf = (path: Path) => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn([key, i, ...path.slice(0, n)], true);
        if (node !== undefined) return toPos(node);
      }
      return toPos(items);
    };
    return { kind, body: data[i], lifecycle: {}, label: joinPath(key, [i]), pos: positionOf([]), positionOf };
  });
}

/** The paths of the fields a plan would show as changed, from the engine's own diff with `kind`'s lists. */
export function diffPaths(a: Body, b: Body, kind: KindName): string[] {
  return diffDetailed(a, b, kindByName(kind)!.lists).map((r) => r.field.path);
}
