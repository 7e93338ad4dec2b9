/**
 * Building blocks for the kinds' `lists` declarations (ListSpec in types.ts): identities made of
 * named members, or of a scalar element's own value.
 */
import type { ElementIdentity, ListSpec } from './types.js';

/** The string at a dotted member path of `element` (`Id.Name`), if there is one. */
export function stringAt(element: unknown, path: string): string | undefined {
  let cur = element;
  for (const k of path.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'string' ? cur : undefined;
}

/** Identity = these members (those present); an element with none of them has none (the list goes positional). */
export function byMembers(...paths: string[]): (element: unknown) => ElementIdentity | undefined {
  return (element) => {
    const out: Record<string, string | undefined> = {};
    for (const p of paths) out[p] = stringAt(element, p);
    return Object.values(out).some((v) => v !== undefined) ? out : undefined;
  };
}

/** Identity = the element itself (a list of strings). */
export function byValue(element: unknown): ElementIdentity | undefined {
  return typeof element === 'string' ? element : undefined;
}

/**
 * Identity of a reference (src/kinds/references.ts): an id or ARN is itself, `{ name }` its name.
 * So a list mixing literals and names is still a set, each element found by what it stands for.
 */
export function byReference(element: unknown): ElementIdentity | undefined {
  if (typeof element === 'string') return element;
  const name = element !== null && typeof element === 'object' ? (element as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? { name } : undefined;
}

/** A set of references keyed by value or name (`ChatConfigurations[="arn:…"]`, `UserIds[name="alice"]`). */
export function referenceSet(path: string, example: string): ListSpec {
  return {
    path,
    ordered: false,
    identity: byReference,
    keyedBy: 'value (an id or ARN) or name',
    example: `${path.replace(/\[\]/g, '')}[=${JSON.stringify(example)}]`,
  };
}

/** A set of `{ Id: { Name } … }` entries keyed by field name (task template constraints and defaults). */
export function fieldNameSet(path: string): ListSpec {
  return {
    path,
    ordered: false,
    identity: byMembers('Id.Name'),
    keyedBy: 'field name (Id.Name)',
    example: `${path}[Id.Name="Policy number"]`,
  };
}

// ---------------------------------------------------------------------------------------------
// lifecycle.ignoreChanges entries
// ---------------------------------------------------------------------------------------------

/** One step of a field path (src/engine/ignore-changes.ts matches them against plan rows). */
export type EntryToken =
  | { kind: 'member'; name: string }
  | { kind: 'any' }
  | { kind: 'index'; n: number }
  | { kind: 'element'; scalar?: string; pairs: Record<string, string> };

/** `"…"` at `i` (JSON quoting) → its value and the index after it. */
function readString(text: string, i: number): [string, number] {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  if (j >= text.length) throw new Error('a quoted value is not closed');
  return [JSON.parse(text.slice(i, j + 1)) as string, j + 1];
}

/**
 * An ignoreChanges entry (the grammar of plan row paths, docs/PLAN-FORMAT.md) as tokens, or
 * throws saying what is wrong in it. Here, below config/ and engine/, so validation can use it.
 */
export function parseEntry(entry: string): EntryToken[] {
  const tokens: EntryToken[] = [];
  let i = 0;
  const expect = (ch: string) => {
    if (entry[i] !== ch) throw new Error(`expected '${ch}' at character ${i + 1}`);
    i++;
  };
  while (i < entry.length) {
    if (entry[i] === '[') {
      i++;
      if (entry[i] === ']') tokens.push({ kind: 'any' });
      else if (entry[i] === '"') {
        const [name, next] = readString(entry, i);
        tokens.push({ kind: 'member', name });
        i = next;
      } else if (/\d/.test(entry[i] ?? '')) {
        const digits = /^\d+/.exec(entry.slice(i))![0];
        tokens.push({ kind: 'index', n: Number(digits) });
        i += digits.length;
      } else if (entry[i] === '=') {
        i++;
        if (entry[i] !== '"') throw new Error(`expected a quoted value at character ${i + 1}`);
        const [scalar, next] = readString(entry, i);
        tokens.push({ kind: 'element', scalar, pairs: {} });
        i = next;
      } else {
        const pairs: Record<string, string> = {};
        for (;;) {
          const key = /^[^=\],"]+/.exec(entry.slice(i))?.[0];
          if (!key) throw new Error(`expected Member="value" at character ${i + 1}`);
          i += key.length;
          expect('=');
          if (entry[i] !== '"') throw new Error(`expected a quoted value at character ${i + 1}`);
          const [value, next] = readString(entry, i);
          pairs[key.trim()] = value;
          i = next;
          if (entry[i] !== ',') break;
          i++;
        }
        tokens.push({ kind: 'element', pairs });
      }
      expect(']');
    } else {
      if (tokens.length) expect('.');
      const name = /^[^.[\]]+/.exec(entry.slice(i))?.[0];
      if (!name) throw new Error(`expected a field name at character ${i + 1}`);
      tokens.push({ kind: 'member', name });
      i += name.length;
    }
  }
  if (!tokens.length) throw new Error('it is empty');
  return tokens;
}

/** Why an ignoreChanges entry cannot work (for validation), or undefined. */
export function ignoreEntryProblem(entry: string, lists: readonly ListSpec[]): string | undefined {
  let tokens: EntryToken[];
  try {
    tokens = parseEntry(entry);
  } catch (err) {
    return `'${entry}' is not a field path: ${(err as Error).message}`;
  }
  const members: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'member') members.push(t.name);
    if (t.kind !== 'index') continue;
    const spec = lists.find((l) => l.path.replace(/\[\]/g, '') === members.join('.'));
    if (spec) {
      return `'${entry}': elements of ${members.join('.')} are addressed by ${spec.keyedBy}, not by position (e.g. ${spec.example}); leave the position out to ignore every element`;
    }
  }
  return undefined;
}
