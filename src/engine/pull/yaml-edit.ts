/**
 * Surgical edits of a YAML file's text, by node ranges: each edit replaces one byte span, so every
 * byte outside the spans (comments, quoting, blank lines, key order, anchors) stays as it was.
 * The yaml library's own `String(doc)` re-flows untouched nodes (comment spacing, flow padding,
 * line folding), which a reviewer would see as noise in the pull request; ranges do not.
 *
 * Every edit is also recorded as an operation on the document's value (`ops`): read-back.ts
 * applies them to the value the file had and compares the result with the edited text parsed
 * again, so a text that would not read back as intended is never written.
 *
 * Values are written in the style of the node they replace (plain, quoted, block scalar with its
 * indicator, flow or block collection); new collections are written block style like `export`.
 * A flow collection that gains or loses elements is written again from its elements (each kept
 * element's own text, with the edits inside it), so commas and braces are always the right ones.
 */
import {
  Document,
  Scalar,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { escapeQuotedYaml, needsYamlEscapes, safeYamlText } from '../../util/yaml-escape.js';

/** Where an edit is, as reports name it (set by the reconciler). */
export interface OpWhere {
  resource: string;
  item: { kind: string; name: string; file: string };
  path: string;
  /** What the summary says was written (`Fields (added)`). */
  label: string;
  segments: (string | number)[];
  pos: { file: string; line: number; col: number };
  /** Its value comes from a sensitive variable or is a secret: never printed. */
  sensitive: boolean;
}

/** One change of the document's value, as the text edits mean it (see read-back.ts). */
export type EditOp = (
  | { op: 'replace'; node: Node; value: unknown }
  | { op: 'addPair'; map: YAMLMap; key: string; value: unknown }
  | { op: 'removePair'; map: YAMLMap; pair: Pair<Node, Node> }
  | { op: 'insertItem'; seq: YAMLSeq; value: unknown; before?: number }
  | { op: 'removeItem'; seq: YAMLSeq; index: number }
) & { where?: OpWhere };

/** The same edit made again on another SourceEdits of the same document. */
export function replay(edits: SourceEdits, op: EditOp): void {
  const before = edits.ops.length;
  switch (op.op) {
    case 'replace':
      edits.replace(op.node, op.value);
      break;
    case 'addPair':
      edits.addPair(op.map, op.key, op.value);
      break;
    case 'removePair':
      edits.removePair(op.map, op.pair);
      break;
    case 'insertItem':
      edits.insertItem(op.seq, op.value, op.before);
      break;
    case 'removeItem':
      edits.removeItem(op.seq, op.index);
      break;
  }
  for (const made of edits.ops.slice(before)) if (op.where) made.where = op.where;
}

interface Edit {
  start: number;
  end: number;
  text?: string;
  /** A flow collection written again: its text made from the edits inside its span. */
  flow?: FlowRewrite;
}

/** A flow collection's elements after the edits: kept ones by index, new ones as text. */
interface FlowRewrite {
  node: YAMLMap | YAMLSeq;
  removed: Set<number>;
  /** New elements' text; `before` an original index, or undefined for the end. */
  inserts: { before?: number; text: string }[];
}

/** Two edits of one span that neither contains: pull cannot write this file safely. */
export class EditConflict extends Error {
  override name = 'EditConflict';
}

export class SourceEdits {
  private readonly edits: Edit[] = [];
  private readonly flows = new Map<Node, FlowRewrite>();
  readonly ops: EditOp[] = [];
  private readonly crlf: boolean;
  private readonly flowSpans: [number, number][] = [];

  /** `doc`: the document parsed from `text`, whose nodes the edits name. */
  constructor(
    readonly text: string,
    doc?: Document.Parsed,
  ) {
    this.crlf = text.includes('\r\n');
    if (doc)
      visit(doc, {
        Map: (_, n) => void (n.flow && n.range && this.flowSpans.push([n.range[0], n.range[1]])),
        Seq: (_, n) => void (n.flow && n.range && this.flowSpans.push([n.range[0], n.range[1]])),
      });
  }

  get size(): number {
    return this.ops.length;
  }

  /** The text with every edit made. */
  result(): string {
    return this.render(0, this.text.length, this.edits);
  }

  /** `text[start, end)` with the edits inside it made (a flow rewrite takes the edits inside it). */
  private render(start: number, end: number, edits: Edit[]): string {
    const inside = edits
      .filter((e) => e.start >= start && e.end <= end)
      .sort((a, b) => a.start - b.start || b.end - a.end || (a.flow ? -1 : b.flow ? 1 : 0));
    let out = '';
    let at = start;
    let container: Edit | undefined;
    let deleting = false;
    for (const e of inside) {
      if (container && e.start >= container.start && e.end <= container.end && e !== container) continue;
      if (e.start < at && deleting && e.text === '') {
        // Two removals that share bytes (a key moved up to the dash, the next key's line) remove
        // both spans; read-back.ts checks what that leaves.
        at = Math.max(at, e.end);
        continue;
      }
      if (e.start < at) throw new EditConflict(`edits overlap at offset ${e.start}`);
      deleting = e.text === '';
      out += this.text.slice(at, e.start);
      if (e.flow) {
        out += this.renderFlowRewrite(e, inside);
        container = e;
      } else out += e.text ?? '';
      at = e.end;
    }
    return out + this.text.slice(at, end);
  }

  private renderFlowRewrite(e: Edit, edits: Edit[]): string {
    const plan = e.flow!;
    const items = plan.node.items as (Node | Pair<Node, Node>)[];
    const spans = items.map((item) => itemSpan(item));
    const entries: ({ i: number } | { text: string })[] = [];
    items.forEach((_, i) => {
      for (const ins of plan.inserts) if (ins.before === i) entries.push({ text: ins.text });
      if (!plan.removed.has(i)) entries.push({ i });
    });
    for (const ins of plan.inserts) if (ins.before === undefined) entries.push({ text: ins.text });
    const inner = edits.filter((x) => x !== e);
    const texts = entries.map((x) => ('i' in x ? this.render(spans[x.i][0], spans[x.i][1], inner) : x.text));
    if (!entries.length) return '';
    let joined = texts[0];
    for (let k = 1; k < entries.length; k++) {
      const [a, b] = [entries[k - 1], entries[k]];
      // Kept neighbours keep what separated them (a comma, a line break, a comment).
      const sep = 'i' in a && 'i' in b && b.i === a.i + 1 ? this.text.slice(spans[a.i][1], spans[b.i][0]) : ', ';
      joined += sep + texts[k];
    }
    if (!items.length) return ` ${joined} `;
    // The padding inside the brackets, before the first element and after the last, stays.
    const lead = this.text.slice(e.start, spans[0][0]);
    const trail = this.text.slice(spans[spans.length - 1][1], e.end);
    return lead + joined + trail;
  }

  private add(start: number, end: number, text: string): void {
    // What pull writes ends its lines the way the file does (a CRLF file stays CRLF).
    this.edits.push({ start, end, text: this.crlf ? text.replace(/\r?\n/g, '\r\n') : text });
  }

  /** The rewrite of a flow collection, made once, spanning the inside of its brackets. */
  private flowRewrite(node: YAMLMap | YAMLSeq): FlowRewrite {
    let plan = this.flows.get(node);
    if (plan) return plan;
    const [start, end] = node.range!;
    const open = this.text.indexOf(isSeq(node) ? '[' : '{', start);
    const close = this.text.lastIndexOf(isSeq(node) ? ']' : '}', end - 1);
    plan = { node, removed: new Set(), inserts: [] };
    this.flows.set(node, plan);
    this.edits.push({ start: open + 1, end: close, flow: plan });
    return plan;
  }

  // -------------------------------------------------------------------------------------------
  // Positions

  /** Column (0-based) of `offset`. */
  private col(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Just past the line that holds `offset - 1` (a value's end): where the next line begins. */
  private afterLine(end: number): number {
    if (end > 0 && this.text[end - 1] === '\n') return end;
    const nl = this.text.indexOf('\n', end);
    return nl < 0 ? this.text.length : nl + 1;
  }

  /** A newline is needed before inserting at `at` when the file does not end with one there. */
  private lead(at: number): string {
    return at === this.text.length && at > 0 && this.text[at - 1] !== '\n' ? '\n' : '';
  }

  /** The `-` of a block sequence item whose node starts at `start`. */
  private dashBefore(start: number): number {
    return this.text.lastIndexOf('-', start);
  }

  private endOf(node: Node | null | undefined, fallback: number): number {
    return node?.range?.[1] ?? fallback;
  }

  /** Whether the node sits inside a flow collection (its text must be flow-safe). */
  private inFlow(start: number): boolean {
    return this.flowSpans.some(([s, e]) => s < start && start < e);
  }

  // -------------------------------------------------------------------------------------------
  // Edits

  /** Replace a value node (scalar or collection) in place, in its own style where it can be kept. */
  replace(node: Node, value: unknown): void {
    this.ops.push({ op: 'replace', node, value });
    const [start, end] = node.range!;
    const flow = this.inFlow(start);
    if (start === end) {
      // `key:` with nothing after it (the node is empty): the value needs its own spacing.
      const before = /[ \t]/.test(this.text[start - 1] ?? '') ? '' : ' ';
      const after = this.text[start] === '#' ? ' ' : '';
      this.add(start, end, `${before}${renderFlow(value)}${after}`);
      return;
    }
    if (isScalar(node) && isScalarValue(value)) {
      this.add(start, end, this.scalarText(node, value, flow));
      return;
    }
    if ((isMap(node) || isSeq(node)) && !node.flow && !isScalarValue(value) && !isEmpty(value)) {
      // A block collection ends with its last line's newline; the replacement does the same.
      this.add(start, end, `${renderBlock(value, this.col(start))}${this.text[end - 1] === '\n' ? '\n' : ''}`);
      return;
    }
    this.add(start, end, renderFlow(value));
  }

  /** Add `key: value` at the end of a mapping. */
  addPair(map: YAMLMap, key: string, value: unknown): void {
    this.ops.push({ op: 'addPair', map, key, value });
    const keyText = renderFlow(key);
    if (map.flow) {
      this.flowRewrite(map).inserts.push({ text: `${keyText}: ${renderFlow(value)}` });
      return;
    }
    if (!map.items.length) {
      this.add(map.range![0], map.range![1], renderFlow({ [key]: value }));
      return;
    }
    const first = map.items[0] as Pair<Node, Node>;
    const indent = this.col(first.key!.range![0]);
    const last = map.items[map.items.length - 1] as Pair<Node, Node>;
    const at = this.afterLine(this.endOf(last.value, last.key!.range![1]));
    this.add(at, at, `${this.lead(at)}${' '.repeat(indent)}${keyText}:${valueAfterKey(value, indent)}\n`);
  }

  /** Remove one `key: value` (and its line, in block style). */
  removePair(map: YAMLMap, pair: Pair<Node, Node>): void {
    this.ops.push({ op: 'removePair', map, pair });
    const index = map.items.indexOf(pair);
    if (map.flow) {
      this.flowRewrite(map).removed.add(index);
      return;
    }
    const keyStart = pair.key!.range![0];
    const end = this.afterLine(this.endOf(pair.value, pair.key!.range![1]));
    const next = map.items[index + 1] as Pair<Node, Node> | undefined;
    const ownLine = this.text.slice(this.lineStart(keyStart), keyStart).trim() === '';
    // `- Name: x` (the first key shares the item's dash line): the next key moves up to the dash.
    if (!ownLine) this.add(keyStart, next ? next.key!.range![0] : end, next ? '' : '{}\n');
    else this.add(this.lineStart(keyStart), end, '');
  }

  /** Insert a list element before element `before` (or at the end when undefined). */
  insertItem(seq: YAMLSeq, value: unknown, before?: number): void {
    this.ops.push({ op: 'insertItem', seq, value, ...(before === undefined ? {} : { before }) });
    const items = seq.items as Node[];
    if (seq.flow) {
      this.flowRewrite(seq).inserts.push({ ...(before === undefined ? {} : { before }), text: renderFlow(value) });
      return;
    }
    if (!items.length) {
      this.add(seq.range![0], seq.range![1], renderFlow([value]));
      return;
    }
    const dash = this.dashBefore(items[0].range![0]);
    const indent = this.col(dash);
    const text = `${' '.repeat(indent)}- ${renderItem(value, indent + 2)}\n`;
    if (before !== undefined) {
      const at = this.lineStart(this.dashBefore(items[before].range![0]));
      this.add(at, at, text);
    } else {
      const at = this.afterLine(this.endOf(items[items.length - 1], 0));
      this.add(at, at, this.lead(at) + text);
    }
  }

  /** Remove list element `index` (its whole lines, in block style). */
  removeItem(seq: YAMLSeq, index: number): void {
    this.ops.push({ op: 'removeItem', seq, index });
    const items = seq.items as Node[];
    if (seq.flow) {
      this.flowRewrite(seq).removed.add(index);
      return;
    }
    const dash = this.dashBefore(items[index].range![0]);
    this.add(this.lineStart(dash), this.afterLine(this.endOf(items[index], dash + 1)), '');
  }

  /** A scalar's new text, in the node's style when the value can be written so. */
  private scalarText(node: Scalar, value: string | number | boolean | null, flow: boolean): string {
    if (typeof value !== 'string') return renderFlow(value);
    // Control and bidi characters, `##[`: double-quoted, as YAML escapes (util/yaml-escape.ts).
    if (needsYamlEscapes(value)) return escapeQuotedYaml(JSON.stringify(value));
    const [start, end] = node.range!;
    switch (node.type) {
      case 'QUOTE_DOUBLE':
        return JSON.stringify(value);
      case 'QUOTE_SINGLE':
        return value.includes('\n') ? JSON.stringify(value) : `'${value.replaceAll("'", "''")}'`;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED': {
        if (flow) return renderFlow(value);
        const source = this.text.slice(start, end);
        const contentIndent = /\n( +)\S/.exec(source)?.[1] ?? ' '.repeat(this.col(start) + 2);
        // A block node's range ends after its last line break: the replacement does too.
        return blockScalar(value, node.type, contentIndent);
      }
      default:
        return renderFlow(value);
    }
  }
}

/** The span of a flow collection's element: a node, or a pair from its key to its value. */
function itemSpan(item: Node | Pair<Node, Node>): [number, number] {
  if (isPair(item)) return [item.key!.range![0], (item.value ?? item.key)!.range![1]];
  const node = item as Node;
  return [node.range![0], node.range![1]];
}

/**
 * A string as a block scalar of the node's style (`|` or `>`), with the chomping indicator the
 * value needs (`-` no final line break, none one, `+` more), indented like the node's content.
 * The yaml library writes it (folding, indentation indicators); it falls back to a quoted string
 * when the value cannot be a block scalar, and read-back.ts checks the result either way.
 */
function blockScalar(value: string, type: 'BLOCK_LITERAL' | 'BLOCK_FOLDED', indent: string): string {
  const scalar = new Scalar(value);
  scalar.type = type;
  const text = new Document({ k: scalar }).toString({ lineWidth: 0, indent: 2 }).slice('k: '.length);
  if (!/^[|>]/.test(text)) return text.replace(/\n$/, '');
  const [header, ...lines] = text.split('\n');
  // The library ends the text with a line break; the node's range ends after its last line break.
  return `${header}\n${lines
    .slice(0, -1)
    .map((l) => (l ? indent + l.slice(2) : ''))
    .join('\n')}\n`;
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && !v.length) || (v !== null && typeof v === 'object' && !Object.keys(v).length);
}

/**
 * One line of YAML for any value: plain/quoted scalars, `{ a: b }` / `[a, b]` collections. A
 * scalar is written as it would be inside a flow collection, so it is valid both there and after
 * a block key (`a, b` is quoted; `a b` stays plain).
 */
export function renderFlow(value: unknown): string {
  const scalar = isScalarValue(value);
  const doc = new Document(scalar ? [value] : value);
  // A line break: one double-quoted line (a folded flow scalar's indentation depends on where it is).
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && /[\n\r]/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const text = safeYamlText(doc, {
    lineWidth: 0,
    flowCollectionPadding: !scalar,
    collectionStyle: 'flow',
    doubleQuotedAsJSON: true,
  });
  return scalar ? text.replace(/^\[|\]\n$/g, '') : text.replace(/\n$/, '');
}

/** A block collection whose first line starts at column `indent` (the caller wrote the indent). */
function renderBlock(value: unknown, indent: number): string {
  const doc = new Document(value);
  // As export writes them: short maps of scalars inside the value on one line (`{ name: X }`).
  visit(doc, {
    Map(_, map, path) {
      if (path.some((n) => isMap(n) || isSeq(n)) && isShortMap(map.toJSON())) map.flow = true;
    },
  });
  const text = safeYamlText(doc, { lineWidth: 0, flowCollectionPadding: true }).replace(/\n$/, '');
  return text
    .split('\n')
    .map((line, i) => (i === 0 || !line ? line : ' '.repeat(indent) + line))
    .join('\n');
}

/** The text after `key:`: ` scalar`, or a newline and a block collection indented under the key. */
function valueAfterKey(value: unknown, keyIndent: number): string {
  if (isScalarValue(value) || isEmpty(value) || isShortMap(value)) return ` ${renderFlow(value)}`;
  const indent = keyIndent + 2;
  return `\n${' '.repeat(indent)}${renderBlock(value, indent)}`;
}

/** A list element after `- ` at column `indent`. */
function renderItem(value: unknown, indent: number): string {
  if (isScalarValue(value) || isEmpty(value)) return renderFlow(value);
  return renderBlock(value, indent);
}

/** `{ name: Escalation }`: short maps of scalars read best on one line (as export writes them). */
function isShortMap(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.values(value);
  return entries.length <= 3 && entries.every(isScalarValue) && JSON.stringify(value).length <= 60;
}
