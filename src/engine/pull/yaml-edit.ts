/**
 * Surgical edits of a YAML file's text, by node ranges: each edit replaces one byte span, so every
 * byte outside the spans (comments, quoting, blank lines, key order, anchors) stays as it was.
 * The yaml library's own `String(doc)` re-flows untouched nodes (comment spacing, flow padding,
 * line folding), which a reviewer would see as noise in the pull request; ranges do not.
 *
 * Values are written in the style of the node they replace (plain, quoted, block scalar, flow or
 * block collection); new collections are written block style like `export` writes them.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { escapeQuotedYaml, needsYamlEscapes, safeYamlText } from '../../util/yaml-escape.js';

interface Edit {
  start: number;
  end: number;
  text: string;
}

export class SourceEdits {
  private readonly edits: Edit[] = [];
  private readonly crlf: boolean;

  constructor(readonly text: string) {
    this.crlf = text.includes('\r\n');
  }

  get size(): number {
    return this.edits.length;
  }

  /** The text with every edit made; overlapping edits are a bug of the caller. */
  result(): string {
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    let out = '';
    let at = 0;
    for (const e of sorted) {
      if (e.start < at) throw new Error('internal error: overlapping edits of one YAML file (please report this)');
      out += this.text.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.text.slice(at);
  }

  private add(start: number, end: number, text: string): void {
    // What pull writes ends its lines the way the file does (a CRLF file stays CRLF).
    this.edits.push({ start, end, text: this.crlf ? text.replace(/\r?\n/g, '\r\n') : text });
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

  // -------------------------------------------------------------------------------------------
  // Edits

  /** Replace a value node (scalar or collection) in place, in its own style where it can be kept. */
  replace(node: Node, value: unknown): void {
    const [start, end] = node.range!;
    if (start === end) {
      // `key:` with nothing after it (the node is empty): the value needs its own spacing.
      const before = /[ \t]/.test(this.text[start - 1] ?? '') ? '' : ' ';
      const after = this.text[start] === '#' ? ' ' : '';
      this.add(start, end, `${before}${renderFlow(value)}${after}`);
      return;
    }
    if (isScalar(node) && isScalarValue(value)) {
      this.add(start, end, this.scalarText(node, value));
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
    const keyText = renderFlow(key);
    if (map.flow || !map.items.length) {
      const close = this.text.lastIndexOf('}', this.endOf(map, 0));
      if (map.flow && close >= 0) {
        // After the last entry (its padding before `}` stays), or inside an empty `{}`.
        const last = map.items[map.items.length - 1] as Pair<Node, Node> | undefined;
        if (last) {
          const at = this.endOf(last.value, last.key!.range![1]);
          this.add(at, at, `, ${keyText}: ${renderFlow(value)}`);
        } else this.add(close, close, ` ${keyText}: ${renderFlow(value)} `);
        return;
      }
    }
    const first = map.items[0] as Pair<Node, Node>;
    const indent = this.col(first.key!.range![0]);
    const last = map.items[map.items.length - 1] as Pair<Node, Node>;
    const at = this.afterLine(this.endOf(last.value, last.key!.range![1]));
    this.add(at, at, `${this.lead(at)}${' '.repeat(indent)}${keyText}:${valueAfterKey(value, indent)}\n`);
  }

  /** Remove one `key: value` (and its line, in block style). */
  removePair(map: YAMLMap, pair: Pair<Node, Node>): void {
    const index = map.items.indexOf(pair);
    if (map.flow) {
      this.removeFlowItem(
        map.items as Pair<Node, Node>[],
        index,
        (p) => p.key!.range![0],
        (p) => this.endOf(p.value, p.key!.range![1]),
      );
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
    const items = seq.items as Node[];
    if (seq.flow || !items.length) {
      const close = this.text.lastIndexOf(']', this.endOf(seq, 0));
      if (close < 0) this.replace(seq, [value]);
      else if (!items.length) this.add(close, close, renderFlow(value));
      else if (before === undefined)
        this.add(items[items.length - 1].range![1], items[items.length - 1].range![1], `, ${renderFlow(value)}`);
      else this.add(items[before].range![0], items[before].range![0], `${renderFlow(value)}, `);
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
    const items = seq.items as Node[];
    if (seq.flow) {
      this.removeFlowItem(
        items,
        index,
        (n) => n.range![0],
        (n) => n.range![1],
      );
      return;
    }
    const dash = this.dashBefore(items[index].range![0]);
    this.add(this.lineStart(dash), this.afterLine(this.endOf(items[index], dash + 1)), '');
  }

  /** A flow collection's element with the comma that separated it from its neighbour. */
  private removeFlowItem<T>(items: T[], index: number, start: (x: T) => number, end: (x: T) => number): void {
    if (index + 1 < items.length) this.add(start(items[index]), start(items[index + 1]), '');
    else if (index > 0) this.add(end(items[index - 1]), end(items[index]), '');
    else this.add(start(items[index]), end(items[index]), '');
  }

  /** A scalar's new text, in the node's style when the value can be written so. */
  private scalarText(node: Scalar, value: string | number | boolean | null): string {
    if (typeof value !== 'string') return renderFlow(value);
    // Control and bidi characters, `##[`: double-quoted, as YAML escapes (util/yaml-escape.ts).
    if (needsYamlEscapes(value)) return escapeQuotedYaml(JSON.stringify(value));
    const [start] = node.range!;
    switch (node.type) {
      case 'QUOTE_DOUBLE':
        return JSON.stringify(value);
      case 'QUOTE_SINGLE':
        return value.includes('\n') ? JSON.stringify(value) : `'${value.replaceAll("'", "''")}'`;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED': {
        if (/^\s/.test(value) || /[\r\t]/.test(value) || /[ ]\n|[ ]$/.test(value)) return JSON.stringify(value);
        const source = this.text.slice(start, node.range![1]);
        const header = source.slice(0, source.indexOf('\n') + 1);
        const contentIndent = /\n( +)\S/.exec(source)?.[1] ?? ' '.repeat(this.col(start) + 2);
        // Folded text is re-read with single newlines as spaces: write it literal instead.
        const head = header.startsWith('>') ? `|${header.slice(1)}` : header;
        const body = value
          .replace(/\n+$/, '')
          .split('\n')
          .map((l) => (l ? contentIndent + l : ''))
          .join('\n');
        return `${head}${body}\n`;
      }
      default:
        return renderFlow(value);
    }
  }
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && !v.length) || (v !== null && typeof v === 'object' && !Object.keys(v).length);
}

/** One line of YAML for any value: plain/quoted scalars, `{ a: b }` / `[a, b]` collections. */
export function renderFlow(value: unknown): string {
  return safeYamlText(new Document(value), {
    lineWidth: 0,
    flowCollectionPadding: true,
    collectionStyle: 'flow',
  }).replace(/\n$/, '');
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
  const indent = Array.isArray(value) ? keyIndent + 2 : keyIndent + 2;
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
