/**
 * Declared resources for the kinds' unit tests, without the config loader: from YAML text (with
 * nearest-node positions, like the loader's) or from plain bodies (positions not under test).
 */
import deepDiff from 'deep-diff';
import { LineCounter, isCollection, parseDocument, type Node } from 'yaml';
import { formatPath } from '../../src/engine/diff.js';
import type { Body, DeclaredResource, KindName, Path } from '../../src/kinds/types.js';

const NOWHERE = { file: 'x.yaml', line: 1, col: 1 };

export function declareBodies(kind: KindName, bodies: Body[]): DeclaredResource[] {
  return bodies.map((body) => ({ kind, body, lifecycle: {}, pos: NOWHERE, positionOf: () => NOWHERE }));
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
    return { kind, body: data[i], lifecycle: {}, pos: positionOf([]), positionOf };
  });
}

/** deep-diff paths of two normalized bodies, as the engine prints them (no array item index). */
export function diffPaths(a: Body, b: Body): string[] {
  return (deepDiff.diff(a, b) ?? []).map((d) => formatPath((d.path ?? []) as (string | number)[]));
}
