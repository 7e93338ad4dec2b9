/**
 * Offline checks of a rule's Function against the Rules Function language and the condition
 * catalog (./catalog.ts): every problem at once, each at the JSON path of the offending part
 * inside the Function document (the caller turns it into a YAML position or a message path).
 */
import { editDistance, nearest } from '../../edit-distance.js';
import {
  ALL_OPERATORS,
  CONCEPTS_PAGE,
  CONDITIONS_PAGE,
  type CompoundSpec,
  type ConditionSpec,
  EVENT_SOURCES,
  EXAMPLE_PAGE,
  type FilterClauseSpec,
  RULE_FUNCTION_VERSION,
  TOP_OPERATORS,
  UNDOCUMENTED_SOURCES,
  conditionFor,
} from './catalog.js';

export type FunctionPath = (string | number)[];

export interface FunctionProblem {
  severity: 'error' | 'warning';
  /** Inside the Function document (`['RuleFunction', 'Operands', 0, 'Operator']`). */
  path: FunctionPath;
  message: string;
  hint?: string;
}

export interface CheckOptions {
  /** `settings.ruleFunction.unknownConditions`: a ComparisonValue the catalog does not know. */
  unknownConditions?: 'error' | 'warn';
  /**
   * The Function is written as a mapping: operands of conditions the catalog marks as taking an
   * instance resource may be `{ name: X }` (../references.ts resolves them per target). The JSON
   * string form takes no names.
   */
  names?: boolean;
}

/** What docs/KINDS.md shows; every "not the language" message points there. */
export const FUNCTION_DOCS = 'see docs/KINDS.md, "Rule Function"';
/** The documented form, in one line, for messages about a Function that is not one. */
export const DOCUMENTED_FORM =
  'Function: { Version: "2022-11-25", RuleFunction: { Operator: AND, Operands: [ { Operator, Operands, ComparisonValue, Negate } ] } }';

const DOC_KEYS = ['Version', 'RuleFunction'];
const GROUP_KEYS = ['Operator', 'Operands'];
const CONDITION_KEYS = ['Operator', 'Operands', 'ComparisonValue', 'FilterClause', 'Negate'];

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const near = nearest(word, candidates);
  return near ? `did you mean ${show(near)}?` : undefined;
}

/** The `n` known paths closest to `word`, closest first. */
function nearestPaths(word: string, candidates: readonly string[], n = 3): string[] {
  return [...candidates]
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, n)
    .map((x) => x.c);
}

/** `{ name: X }`, X a non-empty string, nothing else. */
function isNameOperand(v: unknown): boolean {
  return isRecord(v) && typeof v.name === 'string' && v.name !== '' && Object.keys(v).length === 1;
}

class Checker {
  readonly problems: FunctionProblem[] = [];
  private readonly documented: boolean;

  constructor(
    private readonly source: string,
    private readonly options: CheckOptions,
  ) {
    this.documented = source in EVENT_SOURCES;
  }

  private error(path: FunctionPath, message: string, hint?: string): void {
    this.problems.push({ severity: 'error', path, message, ...(hint ? { hint } : {}) });
  }

  private warn(path: FunctionPath, message: string, hint?: string): void {
    this.problems.push({ severity: 'warning', path, message, ...(hint ? { hint } : {}) });
  }

  private unknownKeys(value: Record<string, unknown>, allowed: readonly string[], at: FunctionPath): void {
    for (const k of Object.keys(value))
      if (!allowed.includes(k))
        this.error(
          [...at, k],
          `${show(k)} is not a member of the Rules Function language here (members: ${allowed.join(', ')})`,
          didYouMean(k, allowed),
        );
  }

  document(doc: unknown): void {
    if (!isRecord(doc)) {
      this.error([], 'Function is not a Rules Function document', `write ${DOCUMENTED_FORM}; ${FUNCTION_DOCS}`);
      return;
    }
    this.unknownKeys(doc, DOC_KEYS, []);
    if (doc.Version !== RULE_FUNCTION_VERSION)
      this.error(
        doc.Version === undefined ? [] : ['Version'],
        doc.Version === undefined ? 'Function needs Version' : `Version ${show(doc.Version)} is not one AWS documents`,
        `the only supported version is "${RULE_FUNCTION_VERSION}" (${EXAMPLE_PAGE}); quote it so YAML keeps it a string`,
      );
    const rf = doc.RuleFunction;
    if (!isRecord(rf)) {
      this.error(
        rf === undefined ? [] : ['RuleFunction'],
        rf === undefined ? 'Function needs RuleFunction' : 'RuleFunction must be a mapping with Operator and Operands',
        `${DOCUMENTED_FORM}; ${FUNCTION_DOCS}`,
      );
    } else this.top(rf, ['RuleFunction']);
    if (!this.documented && this.source) {
      const why = UNDOCUMENTED_SOURCES[this.source] ?? 'no conditions page';
      this.warn(
        [],
        `the conditions of ${this.source} are unverified: connectform checks only the Function's structure (${why})`,
        'docs/FIDELITY.md lists it as a known unknown',
      );
    }
  }

  private top(rf: Record<string, unknown>, at: FunctionPath): void {
    this.unknownKeys(rf, GROUP_KEYS, at);
    if (typeof rf.Operator !== 'string' || !(TOP_OPERATORS as readonly string[]).includes(rf.Operator))
      this.error(
        [...at, 'Operator'],
        `the top Operator must be AND or OR, not ${show(rf.Operator)}`,
        `the very top Operator has to be either AND or OR (${CONCEPTS_PAGE})`,
      );
    const operands = rf.Operands;
    if (!Array.isArray(operands) || operands.length === 0) {
      this.error([...at, 'Operands'], 'RuleFunction.Operands must be a non-empty list of conditions', FUNCTION_DOCS);
      return;
    }
    for (const [i, c] of operands.entries()) this.conditionOrCompound(c, [...at, 'Operands', i]);
  }

  private conditionOrCompound(c: unknown, at: FunctionPath): void {
    if (!isRecord(c)) {
      this.error(at, `a condition must be a mapping, not ${show(c)}`, FUNCTION_DOCS);
      return;
    }
    if (c.ComparisonValue === undefined && Array.isArray(c.Operands) && c.Operands.every(isRecord))
      this.compound(c, at);
    else this.condition(c, at, false);
  }

  private compound(c: Record<string, unknown>, at: FunctionPath): void {
    this.unknownKeys(c, GROUP_KEYS, at);
    const parts = c.Operands as Record<string, unknown>[];
    if (c.Operator !== 'AND')
      this.error(
        [...at, 'Operator'],
        `a compound condition's Operator is AND, not ${show(c.Operator)}`,
        'the documented compound conditions are AND of their parts',
      );
    parts.forEach((p, i) => {
      if (p.ComparisonValue === undefined && Array.isArray(p.Operands) && p.Operands.every(isRecord))
        this.error([...at, 'Operands', i], 'compound conditions do not nest', FUNCTION_DOCS);
      else this.condition(p, [...at, 'Operands', i], true);
    });
    if (!this.documented) return;
    const values = parts.map((p) => p.ComparisonValue).filter((v): v is string => typeof v === 'string');
    const compounds = EVENT_SOURCES[this.source].compounds ?? [];
    const match = compounds.find((k) => sameSet(k.parts, values));
    if (!match)
      this.error(
        at,
        `no compound condition of ${this.source} has the parts ${values.join(' + ') || '(none)'}`,
        compounds.length
          ? `documented: ${compounds.map(describeCompound).join('; ')}`
          : `${this.source} documents no compound conditions`,
      );
  }

  private condition(c: Record<string, unknown>, at: FunctionPath, inCompound: boolean): void {
    this.unknownKeys(c, CONDITION_KEYS, at);
    const cv = c.ComparisonValue;
    if (typeof cv !== 'string' || !cv) {
      this.error([...at, 'ComparisonValue'], 'a condition needs ComparisonValue (a JSON path string)', FUNCTION_DOCS);
      return;
    }
    if (c.Negate !== undefined && typeof c.Negate !== 'boolean')
      this.error([...at, 'Negate'], `Negate is true or false, not ${show(c.Negate)}`);
    if (!Array.isArray(c.Operands) || c.Operands.length === 0)
      this.error([...at, 'Operands'], 'a condition needs Operands (a non-empty list)', FUNCTION_DOCS);
    if (typeof c.Operator !== 'string') this.error([...at, 'Operator'], 'a condition needs Operator (a string)');
    if (!this.documented) return;

    const spec = conditionFor(this.source, cv);
    if (!spec) {
      this.unknownCondition(cv, [...at, 'ComparisonValue']);
      return;
    }
    if (!inCompound && EVENT_SOURCES[this.source].compoundOnly?.includes(spec.comparisonValue)) {
      const compound = EVENT_SOURCES[this.source].compounds?.find((k) => k.parts.includes(spec.comparisonValue));
      this.error(
        [...at, 'ComparisonValue'],
        `${cv} is documented only as a part of a compound condition`,
        compound ? describeCompound(compound) : undefined,
      );
    }
    if (typeof c.Operator === 'string' && !spec.operators.includes(c.Operator))
      this.error(
        [...at, 'Operator'],
        `${show(c.Operator)} is not an operator of ${cv} (${spec.operators.join(' | ')})`,
        didYouMean(c.Operator, spec.operators) ?? didYouMean(c.Operator, ALL_OPERATORS) ?? `see ${spec.page}`,
      );
    if (c.Negate === true && !spec.negatable)
      this.error([...at, 'Negate'], `${cv} takes Negate false only`, `see ${spec.page}`);
    if (Array.isArray(c.Operands)) this.operands(c.Operands, spec, [...at, 'Operands']);
    this.filterClause(c.FilterClause, spec, [...at, 'FilterClause']);
  }

  private unknownCondition(cv: string, at: FunctionPath): void {
    const elsewhere = Object.entries(EVENT_SOURCES).find(([, s]) => s.conditions.some((c) => c.comparisonValue === cv));
    const known = EVENT_SOURCES[this.source].conditions.map((c) => c.comparisonValue);
    const near = nearestPaths(cv, known);
    const message = elsewhere
      ? `${cv} is a condition of ${elsewhere[0]}, not of ${this.source}`
      : `${cv} is not a documented condition of ${this.source}`;
    const hint = `nearest known: ${near.join(', ')}`;
    if (!elsewhere && this.options.unknownConditions === 'warn')
      this.warn(at, `${message} (allowed by settings.ruleFunction.unknownConditions: warn)`, hint);
    else
      this.error(
        at,
        message,
        elsewhere
          ? hint
          : `${hint}; a condition AWS added after connectform's catalog: settings.ruleFunction.unknownConditions: warn`,
      );
  }

  private operands(operands: unknown[], spec: ConditionSpec, at: FunctionPath): void {
    if (spec.count !== undefined && operands.length !== spec.count)
      this.error(
        at,
        `${spec.comparisonValue} takes exactly ${spec.count} operand(s), not ${operands.length}`,
        `see ${spec.page}`,
      );
    const o = spec.operands;
    operands.forEach((v, i) => {
      const here = [...at, i];
      if (o.type === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          this.error(here, `operands of ${spec.comparisonValue} are numbers, not ${show(v)}`, 'write it unquoted');
          return;
        }
        if (o.integer && !Number.isInteger(v)) this.error(here, `${v} must be an integer`);
        if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max))
          this.error(here, `${v} is out of range (${o.min ?? '-∞'} to ${o.max ?? '∞'})`, `see ${spec.page}`);
      } else if (o.type === 'string') {
        if (o.resource && this.options.names && isNameOperand(v)) return;
        if (typeof v !== 'string' || !v) {
          this.error(here, `operands of ${spec.comparisonValue} are non-empty strings, not ${show(v)}`);
          return;
        }
        if (o.enum && !o.enum.includes(v)) {
          const hint = didYouMean(v, o.enum) ?? `documented: ${o.enum.join(', ')}`;
          if (o.partialEnum)
            this.warn(here, `${show(v)} is not among the values connectform's copy of ${spec.page} lists`, hint);
          else this.error(here, `${show(v)} is not a value of ${spec.comparisonValue}`, hint);
        }
      } else this.patternMatch(v, here);
    });
  }

  /** "Each operand is an array of Pattern match objects" (PatternMatch Operands page). */
  private patternMatch(v: unknown, at: FunctionPath): void {
    if (!Array.isArray(v) || v.length === 0) {
      this.error(
        at,
        'a pattern match operand is a non-empty list of PatternMatch objects ({ Type, Value })',
        `see ${PATTERN_PAGE}`,
      );
      return;
    }
    for (const [i, p] of v.entries()) this.patternObject(p, [...at, i], true);
  }

  private patternObject(p: unknown, at: FunctionPath, listAllowed: boolean): void {
    if (!isRecord(p)) {
      this.error(at, 'a PatternMatch object is a mapping with Type and Value');
      return;
    }
    this.unknownKeys(p, ['Type', 'Value'], at);
    const types = listAllowed ? ['PLAIN', 'LIST', 'PROXIMITY', 'NUMERICAL'] : ['PLAIN'];
    if (typeof p.Type !== 'string' || !types.includes(p.Type)) {
      this.error(
        [...at, 'Type'],
        `PatternMatch Type is one of ${types.join(' | ')}, not ${show(p.Type)}`,
        didYouMean(String(p.Type), types),
      );
      return;
    }
    const value = p.Value;
    const ok =
      p.Type === 'PLAIN'
        ? typeof value === 'string'
        : p.Type === 'LIST'
          ? Array.isArray(value) && value.length > 0
          : p.Type === 'PROXIMITY'
            ? isRecord(value) && typeof value.Distance === 'number' && typeof value.IsWithin === 'boolean'
            : isRecord(value) && typeof value.Decimal === 'boolean';
    if (!ok)
      this.error(
        [...at, 'Value'],
        `the Value of a ${p.Type} PatternMatch object has the wrong form`,
        `see ${PATTERN_PAGE}`,
      );
    if (p.Type === 'LIST' && Array.isArray(value))
      for (const [i, x] of value.entries()) this.patternObject(x, [...at, 'Value', i], false);
  }

  private filterClause(fc: unknown, spec: ConditionSpec, at: FunctionPath): void {
    const allowed = spec.filterClause;
    if (fc === undefined) {
      if (allowed)
        this.error(
          at.slice(0, -1),
          `${spec.comparisonValue} needs a FilterClause`,
          `FilterClause: { LogicOperator: AND, Filters: [ { Type: ParticipantRole, Data: CUSTOMER } ] } (${spec.page})`,
        );
      return;
    }
    if (!allowed) {
      this.error(at, `${spec.comparisonValue} takes no FilterClause`, `see ${spec.page}`);
      return;
    }
    if (!isRecord(fc)) {
      this.error(at, 'FilterClause is a mapping with LogicOperator and Filters');
      return;
    }
    this.unknownKeys(fc, ['LogicOperator', 'Filters'], at);
    if (typeof fc.LogicOperator !== 'string' || !allowed.logicOperators.includes(fc.LogicOperator))
      this.error(
        [...at, 'LogicOperator'],
        `FilterClause LogicOperator is ${allowed.logicOperators.join(' | ')}, not ${show(fc.LogicOperator)}`,
      );
    if (!Array.isArray(fc.Filters)) {
      this.error([...at, 'Filters'], 'FilterClause.Filters is a list of { Type, Data }');
      return;
    }
    this.filters(fc.Filters, allowed, spec, [...at, 'Filters']);
  }

  private filters(filters: unknown[], allowed: FilterClauseSpec, spec: ConditionSpec, at: FunctionPath): void {
    const seen = new Set<string>();
    const types = Object.keys(allowed.filters);
    filters.forEach((f, i) => {
      const here = [...at, i];
      if (!isRecord(f)) {
        this.error(here, 'a filter is a mapping with Type and Data');
        return;
      }
      this.unknownKeys(f, ['Type', 'Data'], here);
      const type = f.Type;
      if (typeof type !== 'string' || !(type in allowed.filters)) {
        this.error(
          [...here, 'Type'],
          `${show(type)} is not a filter of ${spec.comparisonValue} (${types.join(' | ')})`,
          didYouMean(String(type), types),
        );
        return;
      }
      if (seen.has(type)) this.error([...here, 'Type'], `filter ${type} is given twice`);
      seen.add(type);
      const data = allowed.filters[type].data;
      if ('oneOf' in data) {
        if (typeof f.Data !== 'string' || !data.oneOf.includes(f.Data))
          this.error(
            [...here, 'Data'],
            `${type} Data is one of ${data.oneOf.join(' | ')}, not ${show(f.Data)}`,
            didYouMean(String(f.Data), data.oneOf),
          );
      } else {
        const members = isRecord(f.Data) ? Object.keys(f.Data) : [];
        const good =
          isRecord(f.Data) &&
          members.length === 1 &&
          data.exactlyOneOf.includes(members[0]) &&
          typeof f.Data[members[0]] === 'number' &&
          (f.Data[members[0]] as number) >= 0;
        if (!good)
          this.error(
            [...here, 'Data'],
            `${type} Data is { ${data.exactlyOneOf.join(' | ')}: seconds } (exactly one)`,
            `see ${spec.page}`,
          );
      }
    });
    for (const [type, f] of Object.entries(allowed.filters))
      if (!f.optional && !seen.has(type)) this.error(at, `FilterClause needs a ${type} filter`, `see ${spec.page}`);
  }
}

const PATTERN_PAGE = 'https://docs.aws.amazon.com/connect/latest/APIReference/patternmatch-operands.html';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function describeCompound(k: CompoundSpec): string {
  return `${k.title}: { Operator: AND, Operands: [ ${k.parts.map((p) => `<condition on ${p}>`).join(', ')} ] } (${k.page})`;
}

/** Every problem of `doc` (a parsed Function document) for a rule on `source`. */
export function checkFunction(doc: unknown, source: string, options: CheckOptions = {}): FunctionProblem[] {
  const checker = new Checker(source, options);
  checker.document(doc);
  return checker.problems;
}

/** A Function as written: the document itself (mapping) or a string holding its JSON. */
export type ParsedFunction =
  | { form: 'mapping' | 'string'; doc: unknown }
  | { form: 'string'; doc?: undefined; error: string };

/** The document a config's or DescribeRule's Function holds, or why a string holds none. */
export function parseFunction(value: unknown): ParsedFunction {
  if (typeof value !== 'string') return { form: 'mapping', doc: value };
  const text = value.trim();
  if (!text.startsWith('{'))
    return {
      form: 'string',
      error: 'Function is not the Rules Function language AWS documents (a JSON document, not an expression)',
    };
  try {
    return { form: 'string', doc: JSON.parse(text) };
  } catch (err) {
    return { form: 'string', error: `Function holds no valid JSON: ${(err as Error).message}` };
  }
}

export { CONDITIONS_PAGE };
