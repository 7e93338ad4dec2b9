/**
 * The guard before pull writes a file: the edited text is parsed again and its value compared with
 * the value the edits mean (the file's value before, with each EditOp applied to it). Text edits
 * and value edits are made independently, so a text that is not YAML, or reads back as anything
 * else (a lost element, a kept one, a changed chomping, a string read as a number), is caught here
 * and nothing is written.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { canonicalJson } from '../../kinds/common.js';
import type { EditOp } from './yaml-edit.js';

type Json = unknown;

/** Where a node's value sits in the built value: its container and key. */
interface Slot {
  container: Record<string, Json> | Json[];
  key: string | number;
}

/** The document's value, and (outside aliases) each collection's built value and each node's slot. */
class Built {
  readonly values = new Map<Node, Json>();
  readonly slots = new Map<Node, Slot>();
  constructor(private readonly doc: Document) {}

  build(node: unknown, register = true): Json {
    if (isAlias(node)) return this.build(node.resolve(this.doc), false);
    if (isScalar(node)) return node.value as Json;
    if (isSeq(node)) {
      const out: Json[] = [];
      node.items.forEach((item, i) => {
        out.push(this.build(item, register));
        if (register && item && typeof item === 'object') this.slots.set(item as Node, { container: out, key: i });
      });
      if (register) this.values.set(node, out);
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, Json> = {};
      const merged: Record<string, Json>[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
          // `<<`: the merged maps' keys, under the item's own (the config loader reads it so).
          const v = this.build(pair.value, false);
          for (const m of Array.isArray(v) ? v : [v]) if (m && typeof m === 'object') merged.push(m as never);
          continue;
        }
        const key = String(isScalar(pair.key) ? pair.key.value : canonicalJson(this.build(pair.key, false)));
        out[key] = this.build(pair.value, register);
        if (register && pair.value && typeof pair.value === 'object')
          this.slots.set(pair.value as Node, { container: out, key });
      }
      for (const m of merged) for (const [k, v] of Object.entries(m)) if (!(k in out)) out[k] = v;
      if (register) this.values.set(node, out);
      return out;
    }
    return null;
  }
}

/** The value the document has once `ops` are made. */
export function intendedValue(doc: Document.Parsed, ops: readonly EditOp[]): Json {
  const built = new Built(doc);
  const root = built.build(doc.contents);
  let result = root;
  const seqOps = new Map<Node, { removed: Set<number>; inserts: { before?: number; value: Json }[] }>();
  const seqPlan = (seq: Node) => {
    let plan = seqOps.get(seq);
    if (!plan) {
      plan = { removed: new Set(), inserts: [] };
      seqOps.set(seq, plan);
    }
    return plan;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'replace': {
        const slot = built.slots.get(op.node);
        if (slot) (slot.container as Record<string | number, Json>)[slot.key] = op.value;
        else if (op.node === doc.contents) result = op.value;
        else throw new Error('internal error: an edited node outside the document');
        break;
      }
      case 'addPair':
        (built.values.get(op.map) as Record<string, Json>)[op.key] = op.value;
        break;
      case 'removePair':
        delete (built.values.get(op.map) as Record<string, Json>)[String((op.pair.key as { value: unknown }).value)];
        break;
      case 'insertItem':
        seqPlan(op.seq).inserts.push({ ...(op.before === undefined ? {} : { before: op.before }), value: op.value });
        break;
      case 'removeItem':
        seqPlan(op.seq).removed.add(op.index);
        break;
    }
  }
  // List edits name the elements by their index in the file: made together, after the rest.
  for (const [seq, plan] of seqOps) {
    const list = built.values.get(seq) as Json[];
    const next: Json[] = [];
    list.forEach((v, i) => {
      for (const ins of plan.inserts) if (ins.before === i) next.push(ins.value);
      if (!plan.removed.has(i)) next.push(v);
    });
    for (const ins of plan.inserts) if (ins.before === undefined) next.push(ins.value);
    list.splice(0, list.length, ...next);
  }
  return result;
}

/** The value a text reads as (as the config loader parses it), or its first parse error. */
export function readBack(text: string): { value: Json } | { error: string } {
  const doc = parseDocument(text, { merge: true, uniqueKeys: false });
  if (doc.errors.length) return { error: doc.errors[0].message.split('\n')[0] };
  return { value: new Built(doc).build(doc.contents) };
}

/**
 * Undefined when `after` reads back as the edits intend; else what differs, as one line
 * (`the edited text would not be YAML (...)`, or `rules[0].Tags would not read back as ...`).
 */
export function readBackProblem(doc: Document.Parsed, ops: readonly EditOp[], after: string): string | undefined {
  const intended = intendedValue(doc, ops);
  const back = readBack(after);
  if ('error' in back) return `the edited text would not be YAML (${back.error})`;
  const at = firstDifference(intended, back.value, []);
  // The path only: a value may be sensitive, and the file's own diff shows the text.
  return at === undefined ? undefined : `${at || 'the document'} would not read back as the live value`;
}

function firstDifference(a: Json, b: Json, path: string[]): string | undefined {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return undefined;
  const join = (k: string | number) => (typeof k === 'number' ? `${path.join('.')}[${k}]` : [...path, k].join('.'));
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], [join(i)]);
      if (d) return d;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, Json>;
    const bo = b as Record<string, Json>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const d = firstDifference(ao[k], bo[k], [join(k)]);
      if (d) return d;
    }
  }
  return path.join('.');
}
