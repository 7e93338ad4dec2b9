/**
 * Reads the config: one YAML file or a directory of *.yaml/*.yml (sorted, not recursive),
 * merged into one LoadedConfig that keeps every value's source position.
 *
 * The input is untrusted (a pull request can change it), so the loader defends itself before
 * and while parsing: a size limit, UTF-8 only, a weight limit checked by the lexer alone (the
 * parser needs hundreds of bytes per value: 4 MB of `[{},{},...]` would take 1.5 GB), a nesting
 * limit checked on the CST *before* the recursive composer runs (deep input overflows its
 * stack, and V8 can crash on the next parse after such an overflow), an alias-expansion budget
 * (billion laughs), no `__proto__`-style keys, and at most MAX_RESOURCES resources, counted file
 * by file before anything is validated. Everything wrong is collected across all files and
 * thrown once, as a ConfigError.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import {
  CST,
  Composer,
  Lexer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { ConfigError, type Problem, type SourcePos } from '../errors.js';
import type { Body, KindName, Path, RuleFunctionSettings } from '../kinds/types.js';
import { sortProblems } from './annotations.js';
import { allKinds, kindNames } from '../kinds/index.js';
import {
  BURST,
  MAX_COLLECTED_PROBLEMS,
  MAX_RESOURCES,
  MAX_YAML_WEIGHT,
  PARALLELISM,
  RATE_PER_SECOND,
  VALUE_WEIGHT,
  type Range,
} from './bounds.js';
import type { VarValue } from './interpolate.js';
import { selectionProblems } from './target-selection.js';
import { validateDocument } from './validate.js';
import { uniqueBy } from '../util/unique.js';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_DEPTH = 64;
/** Values an alias may produce in one file, all aliases together; real configs use a few hundred. */
export const MAX_ALIAS_EXPANSION = 100_000;
/**
 * Bytes of text (scalars and keys, UTF-8) aliases and merge keys may repeat in one file, all
 * together. Counting values alone let a 1 MB string aliased 300 times through `<<: *s` become a
 * 300 MB config (48 s and 1.3 GB to plan). Aliases are for sharing defaults: repeating more text
 * than a whole file may hold (MAX_FILE_BYTES) is not sharing.
 */
export const MAX_ALIAS_BYTES = 5 * 1024 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// ---------------------------------------------------------------------------------------------
// Result types

export interface QuotaSetting {
  ratePerSecond: number;
  burst: number;
}

/** `settings:` as written (validated); defaults are applied by whoever uses a setting. */
export interface Settings {
  /** Delete managed resources no longer declared: all kinds, none, or the listed kinds. */
  prune?: boolean | KindName[];
  parallelism?: number;
  /** Refuse plans deleting more than `percent` of a kind once it has `minResources` (30% / 10). */
  destroyThreshold?: { percent?: number; minResources?: number };
  /** Keyed by `connect:ListRules` or `connect:*`. */
  quotas?: Record<string, QuotaSetting>;
  /** How rule Functions are checked: `unknownConditions: warn` for conditions newer than connectform's catalog. */
  ruleFunction?: RuleFunctionSettings;
}

export interface LoadedTarget {
  name: string;
  file: string;
  /** The target's fields as written (not interpolated yet). */
  raw: Record<string, unknown>;
  /** Position of the target's name. */
  pos: SourcePos;
  /** Positions inside the target mapping (`['vars', 'x']`). */
  positionOf(path: Path): SourcePos;
  keyPositionOf(path: Path): SourcePos;
}

/** One resource item as written: raw (un-interpolated) body, positions of everything in it. */
export interface LoadedItem {
  kind: KindName;
  configKey: string;
  file: string;
  /** Index in its file's list. */
  index: number;
  /** `rules[3]`: how messages name the item (with the file:line:col in front). */
  label: string;
  /** The API body, without the `lifecycle`, `onlyTargets` and `exceptTargets` keys. */
  body: Body;
  /** The `lifecycle` value as written, when the item has one. */
  rawLifecycle?: unknown;
  /** `onlyTargets` / `exceptTargets` as written, when present (target-selection.ts). */
  onlyTargets?: unknown;
  exceptTargets?: unknown;
  pos: SourcePos;
  /** Position of the value at `path` (relative to the item), or of the nearest existing parent. */
  positionOf(path: Path): SourcePos;
  /** Position of the key at the end of `path` (unknown fields), else as positionOf. */
  keyPositionOf(path: Path): SourcePos;
}

export interface LoadedConfig {
  /** Files read, in merge order. */
  files: string[];
  /** In declaration order; names are unique. */
  targets: LoadedTarget[];
  settings: Settings;
  /** Every resource item of every file, files in order, each file's lists in order. */
  items: LoadedItem[];
  /** Kinds whose list key appears in some file (even empty): `prune: true` covers these. */
  declaredKinds: KindName[];
  /**
   * Problems that did not stop loading: warnings, and document errors (bad settings, unknown
   * keys, a target defined twice). resolveTarget returns them with its own.
   */
  problems: Problem[];
}

/** A target with its fields interpolated (`${env.X}`) and checked. */
export interface ResolvedTargetConfig {
  name: string;
  region: string;
  /** Region for AWS Chatbot calls, when it must differ from `region`. */
  chatbotRegion?: string;
  instanceId: string;
  profile?: string;
  endpoint?: string;
  accountId?: string;
  /** Where `accountId` is written (the identity check points there). */
  accountIdPos?: SourcePos;
  /** Where `instanceId` is written (an unknown instance is reported there). */
  instanceIdPos?: SourcePos;
  /**
   * The account of the instance, when `instanceId` was written as the instance ARN (it is then
   * resolved to the UUID at its end): the credentials must belong to it (session.ts checks it
   * with sts:GetCallerIdentity before any other call).
   */
  instanceAccountId?: string;
  /** IAM role to assume for this target (from the profile's or the default credentials). */
  roleArn?: string;
  externalId?: string;
  /** Default `connectform-<target>`. */
  roleSessionName?: string;
  vars: Record<string, VarValue>;
  file: string;
  pos: SourcePos;
}

// ---------------------------------------------------------------------------------------------
// Positions

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** One parsed file: positions of nodes, anchors for aliases, path lookups. */
class YamlFile {
  private readonly anchors = new Map<string, Node[]>();

  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {
    this.indexAnchors(doc.contents);
  }

  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  pos(node: Node | null | undefined): SourcePos {
    return this.at(node?.range?.[0] ?? 0);
  }

  private indexAnchors(node: unknown): void {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (!isAlias(n) && n.anchor) {
      const list = this.anchors.get(n.anchor) ?? [];
      list.push(n);
      this.anchors.set(n.anchor, list);
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        this.indexAnchors(pair.key);
        this.indexAnchors(pair.value);
      }
    } else if (isSeq(n)) for (const item of n.items) this.indexAnchors(item);
  }

  /**
   * YAML semantics: the nearest anchor of that name *before* the alias. Anchors were indexed in
   * document order, so a binary search keeps many same-named anchors from going quadratic.
   */
  resolve(alias: Alias): Node | undefined {
    const list = this.anchors.get(alias.source) ?? [];
    const at = alias.range?.[0] ?? 0;
    let lo = 0;
    let hi = list.length; // first index whose offset is >= at
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid].range?.[0] ?? 0) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  deref(node: Node | null | undefined): Node | null | undefined {
    return isAlias(node) ? this.resolve(node) : node;
  }

  private readonly keyIndexes = new WeakMap<YAMLMap, Map<string, Pair<Node, Node>>>();

  /** A mapping's own (non-merge) pairs by key text, first one winning; built once per mapping. */
  private keyIndex(map: YAMLMap): Map<string, Pair<Node, Node>> {
    let index = this.keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items as Pair<Node, Node>[]) {
        if (isMergeKey(p.key)) continue;
        const k = keyText(this.deref(p.key));
        if (k !== undefined && !index.has(k)) index.set(k, p);
      }
      this.keyIndexes.set(map, index);
    }
    return index;
  }

  /**
   * The pair for `key` in `map`, looking through `<<` merges the way the converter does. Indexed:
   * every problem asks for positions, and a wide mapping can have as many problems as keys.
   */
  private pair(map: YAMLMap, key: string, seen = new Set<Node>()): Pair<Node, Node> | undefined {
    seen.add(map);
    const pairs = map.items as Pair<Node, Node>[];
    const own = this.keyIndex(map).get(key);
    if (own) return own;
    for (const p of pairs) {
      if (!isMergeKey(p.key)) continue;
      const value = this.deref(p.value);
      const sources = isSeq(value) ? (value.items as Node[]).map((n) => this.deref(n)) : [value];
      for (const src of sources) {
        if (isMap(src) && !seen.has(src)) {
          const found = this.pair(src, key, seen);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  /** The deepest node along `path` from `start`, with the key node of the last step if found. */
  find(start: Node | null | undefined, path: Path): { node: Node | null | undefined; key?: Node; complete: boolean } {
    let node = start;
    let key: Node | undefined;
    for (const seg of path) {
      const here = this.deref(node);
      let next: Node | null | undefined;
      let nextKey: Node | undefined;
      if (isMap(here)) {
        const p = this.pair(here, String(seg));
        if (p) {
          nextKey = p.key ?? undefined;
          // `key:` with nothing after it: the key is the better position.
          const empty = isScalar(p.value) && p.value.value === null && p.value.range?.[0] === p.value.range?.[1];
          next = p.value && !empty ? p.value : p.key;
        }
      } else if (isSeq(here) && typeof seg === 'number') next = here.items[seg] as Node | undefined;
      if (!next) return { node, complete: false };
      node = next;
      key = nextKey;
    }
    return { node, key, complete: true };
  }

  positionOf(start: Node | null | undefined, path: Path): SourcePos {
    return this.pos(this.find(start, path).node);
  }

  keyPositionOf(start: Node | null | undefined, path: Path): SourcePos {
    const r = this.find(start, path);
    return this.pos(r.complete && r.key ? r.key : r.node);
  }
}

/** A map key as the config sees it: scalars as strings; anything else is not a usable key. */
function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

// ---------------------------------------------------------------------------------------------
// AST → plain data

class AliasBudgetExceeded extends Error {
  constructor(
    readonly alias: Alias,
    readonly problem: string,
  ) {
    super('alias budget exceeded');
  }
}

/**
 * Builds plain JSON-like data from the YAML nodes: merges `<<`, expands aliases within a budget,
 * refuses prototype-polluting keys and nesting beyond MAX_DEPTH. Recursion depth is bounded by
 * MAX_DEPTH, so this cannot overflow the stack.
 */
class Converter {
  readonly problems: Problem[] = [];
  private expanded = 0;
  /** UTF-8 bytes of the scalars and keys aliases repeated so far (MAX_ALIAS_BYTES). */
  private expandedBytes = 0;
  private outerAlias: Alias | undefined;
  private readonly open = new Set<Node>();

  constructor(private readonly y: YamlFile) {}

  private readonly reported = new Set<string>();

  /** Problems past MAX_COLLECTED_PROBLEMS (100,000 duplicate keys are as many problems). */
  private unlisted = 0;
  private firstUnlisted: Node | null | undefined;

  private error(node: Node | null | undefined, message: string, hint?: string): void {
    if (this.problems.length >= MAX_COLLECTED_PROBLEMS) {
      if (!this.unlisted++) this.firstUnlisted = node;
      return;
    }
    const pos = this.y.pos(node);
    // An anchored node is converted once per alias: report its problems once.
    const key = `${pos.line}:${pos.col}:${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push({ severity: 'error', message, ...(hint ? { hint } : {}), pos });
  }

  /** `depth` is the nesting of the container holding `node` (0 for the document). */
  value(node: Node | null | undefined, depth: number): unknown {
    if (!node) return null;
    if (isAlias(node)) return this.alias(node, depth);
    if (this.outerAlias) {
      if (++this.expanded > MAX_ALIAS_EXPANSION)
        throw new AliasBudgetExceeded(
          this.outerAlias,
          `aliases expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?)`,
        );
      if (isScalar(node)) this.countAliasedBytes(node.value);
    }
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'symbol' ? String(node.source ?? '<<') : (v as unknown);
    }
    if (!isMap(node) && !isSeq(node)) return null;
    if (depth + 1 > MAX_DEPTH) {
      this.error(
        node,
        `nesting is deeper than ${MAX_DEPTH} levels`,
        'no connectform resource nests this deep; flatten the document',
      );
      return null;
    }
    this.open.add(node);
    try {
      return isMap(node)
        ? this.map(node, depth + 1)
        : (node.items as Node[]).map((item) => this.value(item, depth + 1));
    } finally {
      this.open.delete(node);
    }
  }

  /** Counted before the value is built: the limit stops the copy, not the aftermath. */
  private countAliasedBytes(text: unknown): void {
    if (!this.outerAlias || typeof text !== 'string') return;
    this.expandedBytes += Buffer.byteLength(text, 'utf8');
    if (this.expandedBytes > MAX_ALIAS_BYTES)
      throw new AliasBudgetExceeded(
        this.outerAlias,
        `aliases and merge keys repeat more than ${MAX_ALIAS_BYTES} bytes of text (an alias bomb?)`,
      );
  }

  private alias(node: Alias, depth: number): unknown {
    const target = this.y.resolve(node);
    if (!target) {
      this.error(node, `unknown anchor '*${node.source}'`, `define &${node.source} before using *${node.source}`);
      return null;
    }
    if (this.open.has(target)) {
      this.error(
        node,
        `alias '*${node.source}' refers to a node that contains it`,
        'an alias cannot repeat its own parent',
      );
      return null;
    }
    const outer = this.outerAlias === undefined;
    if (outer) this.outerAlias = node;
    try {
      return this.value(target, depth);
    } finally {
      if (outer) this.outerAlias = undefined;
    }
  }

  private key(pair: Pair<unknown, unknown>): string | undefined {
    const keyNode = pair.key as Node | null;
    const text = keyText(this.y.deref(keyNode));
    if (text === undefined) {
      this.error(
        keyNode,
        isScalar(keyNode) ? 'empty mapping key' : 'mapping keys must be plain strings',
        'write the key as text',
      );
      return undefined;
    }
    if (FORBIDDEN_KEYS.has(text)) {
      this.error(keyNode, `key '${text}' is not allowed`, 'no connectform field has this name; remove it');
      return undefined;
    }
    this.countAliasedBytes(text);
    return text;
  }

  private map(node: YAMLMap, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const pairs = node.items as Pair<Node, Node>[];
    // Explicit keys win over merged ones wherever they appear in the mapping.
    const explicit = new Set(pairs.filter((p) => !isMergeKey(p.key)).map((p) => keyText(this.y.deref(p.key))));
    for (const pair of pairs) {
      if (isMergeKey(pair.key)) {
        this.merge(pair, depth, explicit, out);
        continue;
      }
      const k = this.key(pair);
      if (k === undefined) continue;
      if (Object.hasOwn(out, k)) {
        // yaml catches `a:` twice; `1:` next to `"1":` only collides once keys are text.
        this.error(pair.key, `duplicate key '${k}'`, 'each key may appear once per mapping');
        continue;
      }
      out[k] = this.value(pair.value, depth);
    }
    return out;
  }

  private merge(
    pair: Pair<Node, Node>,
    depth: number,
    explicit: Set<string | undefined>,
    out: Record<string, unknown>,
  ): void {
    const value = this.y.deref(pair.value);
    const sources = isSeq(value) ? (value.items as Node[]) : [pair.value];
    for (const src of sources) {
      // The merged mapping sits at this mapping's level, hence depth - 1.
      const merged = this.value(src, depth - 1);
      if (!isPlainObject(merged)) {
        this.error(
          src ?? pair.key,
          '<< (merge) needs a mapping or a list of mappings',
          'merge an anchored mapping: <<: *defaults',
        );
        continue;
      }
      for (const [k, v] of Object.entries(merged)) if (!explicit.has(k) && !Object.hasOwn(out, k)) out[k] = v;
    }
  }

  convert(root: Node | null | undefined): unknown {
    let data: unknown = null;
    try {
      data = this.value(root, 0);
    } catch (err) {
      if (!(err instanceof AliasBudgetExceeded)) throw err;
      this.error(err.alias, err.problem, 'use fewer nested aliases; repeat a long text by writing it once');
    }
    if (this.unlisted) {
      this.problems.push({
        severity: 'error',
        message: `${this.unlisted} more problems from here on are not listed`,
        hint: 'fix the ones listed and validate again',
        pos: this.y.pos(this.firstUnlisted),
      });
    }
    return data;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading and parsing one file

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once per mapping; remove or merge the duplicates',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'put each YAML document (---) in its own file',
  BAD_INDENT: 'check the indentation of this line against the lines above',
  MISSING_CHAR: 'a quote or bracket is not closed',
  TAG_RESOLVE_FAILED: 'connectform does not use YAML tags; the value is read as text',
};

interface ParsedFile {
  file: string;
  root: unknown;
  y?: YamlFile;
  rootNode?: Node | null;
  fatal: Problem[];
  warnings: Problem[];
}

function fileProblem(file: string, message: string, hint?: string, line = 1, col = 1): Problem {
  return { severity: 'error', message, ...(hint ? { hint } : {}), pos: { file, line, col } };
}

/** The first collection nested deeper than MAX_DEPTH, found iteratively on the CST. */
function tooDeep(tokens: CST.Token[]): number | undefined {
  const stack: [CST.Token | null | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
      continue;
    }
    if (!CST.isCollection(token)) continue;
    if (depth + 1 > MAX_DEPTH) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

async function readText(file: string): Promise<{ text?: string; problems: Problem[] }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile())
      return { problems: [fileProblem(file, 'is not a file', 'pass YAML files or a directory of them')] };
    size = s.size;
  } catch (err) {
    return {
      problems: [fileProblem(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)],
    };
  }
  if (size > MAX_FILE_BYTES) {
    return {
      problems: [
        fileProblem(
          file,
          `file is ${(size / 1048576).toFixed(1)} MiB; config files may be at most ${MAX_FILE_BYTES / 1048576} MiB`,
          'split it into several files in one directory',
        ),
      ],
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return {
      problems: [fileProblem(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)],
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const before = bytes.subarray(0, nul);
    const line = before.filter((b) => b === 10).length + 1;
    const col = nul - before.lastIndexOf(10);
    return {
      problems: [
        fileProblem(
          file,
          'file is binary (it contains a NUL byte), not YAML text',
          'config files must be UTF-8 text',
          line,
          col,
        ),
      ],
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    return { problems: [fileProblem(file, 'file is not valid UTF-8', 'save it as UTF-8')] };
  }
}

/** Lexemes the parser keeps as a bare token; everything else opens a value or an entry. */
const LIGHT_TOKENS = new Set([
  'space',
  'newline',
  'comment',
  'flow-map-end',
  'flow-seq-end',
  'doc-mode',
  'byte-order-mark',
]);
/** Lexer control characters: not in the text, so they do not move the offset. */
const CONTROL_TOKENS = new Set(['scalar', 'doc-mode', 'flow-error-end']);

/**
 * The offset where the file gets heavier than MAX_YAML_WEIGHT, if it does. Only the lexer runs
 * (a tenth of the parser's time, and it keeps nothing), so a file the parser could not hold is
 * refused before the parser builds any of it. `limit` is a parameter so tests can check the
 * weighing on small texts (counted, not timed).
 */
export function tooHeavy(text: string, limit = MAX_YAML_WEIGHT): number | undefined {
  let weight = 0;
  let offset = 0;
  let scalarText = false;
  for (const lexeme of new Lexer().lex(text, false)) {
    // A plain scalar comes as a marker then its text: weigh the pair once, by the marker.
    if (scalarText) scalarText = false;
    else {
      const type = CST.tokenType(lexeme);
      weight += type && LIGHT_TOKENS.has(type) ? 1 : VALUE_WEIGHT;
      if (weight > limit) return offset;
      scalarText = type === 'scalar';
      if (type && CONTROL_TOKENS.has(type)) continue;
    }
    offset += lexeme.length;
  }
  return undefined;
}

/** 1-based line and column of `offset` in `text`. */
function linePos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

async function parseFile(file: string): Promise<ParsedFile> {
  const read = await readText(file);
  if (read.text === undefined) return { file, root: null, fatal: read.problems, warnings: [] };
  const text = read.text;
  const heavyAt = tooHeavy(text);
  if (heavyAt !== undefined) {
    const { line, col } = linePos(text, heavyAt);
    const problem = fileProblem(
      file,
      `file holds more YAML than one file may (about ${(MAX_YAML_WEIGHT / VALUE_WEIGHT).toLocaleString('en-US')} values and entries); the limit is reached here`,
      'split it into several files in one directory',
      line,
      col,
    );
    return { file, root: null, fatal: [problem], warnings: [] };
  }
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deep = tooDeep(tokens);
  if (deep !== undefined) {
    const { line, col } = lines.linePos(deep);
    return {
      file,
      root: null,
      fatal: [
        fileProblem(
          file,
          `nesting is deeper than ${MAX_DEPTH} levels`,
          'no connectform resource nests this deep; flatten the document',
          line,
          col,
        ),
      ],
      warnings: [],
    };
  }
  // uniqueKeys compares every key with every other (quadratic: a 5 MiB mapping takes minutes);
  // the Converter reports duplicate keys itself, in one pass.
  const docs = Array.from(new Composer({ merge: true, uniqueKeys: false }).compose(tokens, true, text.length));
  const doc = docs[0] as Document.Parsed;
  const y = new YamlFile(file, doc, lines);
  const fatal: Problem[] = doc.errors.map((e) => ({
    severity: 'error',
    message: e.message,
    ...(YAML_HINTS[e.code] ? { hint: YAML_HINTS[e.code] } : {}),
    pos: y.at(e.pos[0]),
  }));
  if (docs.length > 1)
    fatal.push({
      severity: 'error',
      message: 'file holds more than one YAML document',
      hint: YAML_HINTS.MULTIPLE_DOCS,
      pos: y.at(docs[1].range[0]),
    });
  const warnings: Problem[] = doc.warnings.map((w) => ({
    severity: 'warning',
    message: w.message,
    ...(YAML_HINTS[w.code] ? { hint: YAML_HINTS[w.code] } : {}),
    pos: y.at(w.pos[0]),
  }));
  if (fatal.length) return { file, root: null, fatal, warnings };
  const converter = new Converter(y);
  const root = converter.convert(doc.contents);
  return { file, root, y, rootNode: doc.contents, fatal: converter.problems, warnings };
}

/**
 * Counts the file's resource items onto `counted` (all files so far); the problem, positioned at
 * the item that crosses MAX_RESOURCES, when it does.
 */
function countResources(f: ParsedFile, counted: { n: number }): Problem | undefined {
  if (!isPlainObject(f.root) || !f.y) return undefined;
  for (const { configKey } of allKinds()) {
    const list = f.root[configKey];
    if (!Array.isArray(list)) continue;
    if (counted.n + list.length > MAX_RESOURCES) {
      const index = MAX_RESOURCES - counted.n;
      return {
        severity: 'error',
        message: `${configKey}[${index}]: the config declares more than ${MAX_RESOURCES} resources (this is resource ${MAX_RESOURCES + 1}, counting every file)`,
        hint: 'split the config: one config per Connect instance or team, each with its own target',
        pos: f.y.positionOf(f.rootNode, [configKey, index]),
        path: `${configKey}[${index}]`,
      };
    }
    counted.n += list.length;
  }
  return undefined;
}

/** Files named on the command line as given; directories contribute their *.yaml/*.yml, sorted. */
async function expandPaths(inputs: string[], problems: Problem[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = (await stat(input)).isDirectory();
    } catch (err) {
      problems.push({
        severity: 'error',
        message: `config path '${input}' does not exist (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
        hint: 'pass a YAML file or a directory of them',
      });
      continue;
    }
    if (!isDir) {
      files.push(input);
      continue;
    }
    const names = (await readdir(input, { withFileTypes: true }))
      .filter((e) => /\.ya?ml$/i.test(e.name) && (e.isFile() || e.isSymbolicLink()))
      .map((e) => e.name)
      .sort();
    if (!names.length)
      problems.push({
        severity: 'error',
        message: `config directory '${input}' has no *.yaml or *.yml files`,
        hint: 'pass the directory that holds the config files',
      });
    files.push(...names.map((name) => join(input, name)));
  }
  if (!inputs.length)
    problems.push({
      severity: 'error',
      message: 'no config files given',
      hint: 'pass a YAML file or a directory of them',
    });
  // A file named twice (itself and through its directory) is read once.
  return uniqueBy(files, (f) => resolvePath(f));
}

// ---------------------------------------------------------------------------------------------
// Merging files

function inRange(v: unknown, range: Range): v is number {
  return typeof v === 'number' && v >= range.min && v <= range.max;
}

/** Only well-typed, in-range settings survive (the document check reported the rest). */
function toSettings(raw: unknown): Settings {
  if (!isPlainObject(raw)) return {};
  const s: Settings = {};
  if (typeof raw.prune === 'boolean') s.prune = raw.prune;
  else if (Array.isArray(raw.prune))
    s.prune = raw.prune.filter((k): k is KindName => kindNames().includes(k as KindName));
  if (Number.isInteger(raw.parallelism) && inRange(raw.parallelism, PARALLELISM))
    s.parallelism = raw.parallelism as number;
  if (isPlainObject(raw.destroyThreshold)) {
    const { percent, minResources } = raw.destroyThreshold;
    s.destroyThreshold = {
      ...(typeof percent === 'number' ? { percent } : {}),
      ...(typeof minResources === 'number' ? { minResources } : {}),
    };
  }
  if (isPlainObject(raw.quotas)) {
    s.quotas = {};
    for (const [k, q] of Object.entries(raw.quotas)) {
      if (isPlainObject(q) && inRange(q.ratePerSecond, RATE_PER_SECOND) && inRange(q.burst, BURST))
        s.quotas[k] = { ratePerSecond: q.ratePerSecond, burst: q.burst };
    }
  }
  if (isPlainObject(raw.ruleFunction)) {
    const u = raw.ruleFunction.unknownConditions;
    if (u === 'warn' || u === 'error') s.ruleFunction = { unknownConditions: u };
  }
  return s;
}

function merge(files: ParsedFile[]): Omit<LoadedConfig, 'files' | 'problems'> & { problems: Problem[] } {
  const problems: Problem[] = [];
  const targets: LoadedTarget[] = [];
  const items: LoadedItem[] = [];
  const declared = new Set<KindName>();
  let settings: { value: Settings; pos: SourcePos } | undefined;

  for (const f of files) {
    const y = f.y!;
    const rootNode = f.rootNode;
    if (!isPlainObject(f.root)) continue;
    const root = f.root;

    if (isPlainObject(root.targets)) {
      for (const [name, raw] of Object.entries(root.targets)) {
        const pos = y.keyPositionOf(rootNode, ['targets', name]);
        const earlier = targets.find((t) => t.name === name);
        if (earlier) {
          problems.push({
            severity: 'error',
            message: `target '${name}' is defined twice; first at ${earlier.file}:${earlier.pos.line}:${earlier.pos.col}`,
            hint: 'targets merge by name across files: keep one definition',
            pos,
            path: `targets.${name}`,
          });
          continue;
        }
        if (!isPlainObject(raw)) continue; // the document check reported it
        const node = y.find(rootNode, ['targets', name]).node;
        targets.push({
          name,
          file: f.file,
          raw,
          pos,
          positionOf: (p) => y.positionOf(node, p),
          keyPositionOf: (p) => y.keyPositionOf(node, p),
        });
      }
    }

    if (Object.hasOwn(root, 'settings')) {
      const pos = y.keyPositionOf(rootNode, ['settings']);
      if (settings) {
        problems.push({
          severity: 'error',
          message: `settings are declared in more than one file; first at ${settings.pos.file}:${settings.pos.line}:${settings.pos.col}`,
          hint: 'keep all settings in one file',
          pos,
          path: 'settings',
        });
      } else settings = { value: toSettings(root.settings), pos };
    }

    for (const { configKey, name: kind } of allKinds()) {
      if (!Object.hasOwn(root, configKey)) continue;
      declared.add(kind);
      const list = root[configKey];
      if (!Array.isArray(list)) continue;
      list.forEach((item, index) => {
        if (!isPlainObject(item)) return;
        const node = y.find(rootNode, [configKey, index]).node;
        const { lifecycle, onlyTargets, exceptTargets, ...body } = item;
        items.push({
          kind,
          configKey,
          file: f.file,
          index,
          label: `${configKey}[${index}]`,
          body,
          ...(Object.hasOwn(item, 'lifecycle') ? { rawLifecycle: lifecycle } : {}),
          ...(Object.hasOwn(item, 'onlyTargets') ? { onlyTargets } : {}),
          ...(Object.hasOwn(item, 'exceptTargets') ? { exceptTargets } : {}),
          pos: y.pos(node),
          positionOf: (p) => y.positionOf(node, p),
          keyPositionOf: (p) => y.keyPositionOf(node, p),
        });
      });
    }
  }
  return {
    targets,
    settings: settings?.value ?? {},
    items,
    declaredKinds: kindNames().filter((k) => declared.has(k)),
    problems,
  };
}

/**
 * Load and merge the config. Throws ConfigError (with every problem of every file) when a file
 * cannot be read or parsed; other document problems come back in `problems`.
 */
export async function loadConfig(pathOrPaths: string | string[]): Promise<LoadedConfig> {
  const inputs = Array.isArray(pathOrPaths) ? pathOrPaths : [pathOrPaths];
  const fatal: Problem[] = [];
  const files = await expandPaths(inputs, fatal);
  // One file at a time: parsing is synchronous anyway, and a huge directory must not run out of
  // file descriptors. Past MAX_RESOURCES the remaining files are not read: the config is refused.
  const parsed: ParsedFile[] = [];
  const counted = { n: 0 };
  for (const file of files) {
    const f = await parseFile(file);
    parsed.push(f);
    const tooMany = countResources(f, counted);
    if (tooMany) {
      f.fatal.push(tooMany);
      break;
    }
  }
  const warnings = parsed.flatMap((f) => f.warnings);
  const good = parsed.filter((f) => !f.fatal.length);
  for (const f of parsed) for (const p of f.fatal) fatal.push(p);

  const documentProblems = good.flatMap((f) =>
    validateDocument(f.root, {
      positionOf: (p) => f.y!.positionOf(f.rootNode, p),
      keyPositionOf: (p) => f.y!.keyPositionOf(f.rootNode, p),
    }),
  );
  const merged = merge(good);
  const selection = selectionProblems(
    merged.items,
    merged.targets.map((t) => t.name),
  );
  const problems = sortProblems([...warnings, ...documentProblems, ...merged.problems, ...selection]);
  if (fatal.length) throw new ConfigError(sortProblems([...fatal, ...problems]));
  return {
    files,
    targets: merged.targets,
    settings: merged.settings,
    items: merged.items,
    declaredKinds: merged.declaredKinds,
    problems,
  };
}
