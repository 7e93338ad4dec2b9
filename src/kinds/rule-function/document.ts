/**
 * A rule's Function as data: the comparable form both sides normalize to (whatever form and
 * spelling each was written in), the compact JSON the API takes, and the identities the plan
 * keys conditions by (declared as the rule kind's `lists`).
 */
import { asSet, canonicalJson, cmp } from '../common.js';
import type { ElementIdentity, ListSpec } from '../types.js';
import { parseFunction } from './check.js';

type Json = unknown;
const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/**
 * The comparable form: the parsed document with members in the docs' order, Negate spelled out
 * (false when absent, as the docs' examples write it), sets sorted. A string that holds no JSON
 * (a rule made outside connectform, or before it spoke the language) stays as its trimmed text,
 * so it shows as one changed value and is never silently rewritten.
 */
export function normalizeFunction(value: Json): Json {
  if (value === undefined) return undefined;
  const parsed = parseFunction(value);
  if (parsed.doc === undefined) return typeof value === 'string' ? value.trim() : value;
  return normalizeDocument(parsed.doc);
}

function normalizeDocument(doc: Json): Json {
  if (!isRecord(doc)) return doc;
  const out: Record<string, Json> = {};
  if (doc.Version !== undefined) out.Version = doc.Version;
  if (doc.RuleFunction !== undefined) out.RuleFunction = group(doc.RuleFunction);
  for (const [k, v] of Object.entries(doc)) if (!(k in out)) out[k] = v;
  return out;
}

/** AND/OR of conditions: their order means nothing (a set, sorted by identity). */
function group(g: Json): Json {
  if (!isRecord(g) || !Array.isArray(g.Operands)) return g;
  const operands = g.Operands.map((c) => (isCompound(c) ? group(c) : condition(c)));
  const out: Record<string, Json> = { Operator: g.Operator, Operands: sortByIdentity(operands) };
  for (const [k, v] of Object.entries(g)) if (!(k in out)) out[k] = v;
  return out;
}

function condition(c: Json): Json {
  if (!isRecord(c)) return c;
  const operands = Array.isArray(c.Operands) ? asSet(c.Operands) : c.Operands;
  const out: Record<string, Json> = {
    Operator: c.Operator,
    Operands: operands,
    ComparisonValue: c.ComparisonValue,
  };
  if (isRecord(c.FilterClause)) {
    const fc = c.FilterClause;
    out.FilterClause = {
      LogicOperator: fc.LogicOperator,
      Filters: Array.isArray(fc.Filters) ? asSet(fc.Filters) : fc.Filters,
      ...Object.fromEntries(Object.entries(fc).filter(([k]) => k !== 'LogicOperator' && k !== 'Filters')),
    };
  } else if (c.FilterClause !== undefined) out.FilterClause = c.FilterClause;
  out.Negate = c.Negate ?? false;
  for (const [k, v] of Object.entries(c)) if (!(k in out)) out[k] = v;
  return out;
}

function isCompound(c: Json): c is { Operator: Json; Operands: Record<string, Json>[] } {
  return isRecord(c) && c.ComparisonValue === undefined && Array.isArray(c.Operands) && c.Operands.every(isRecord);
}

function sortByIdentity(list: Json[]): Json[] {
  const key = (x: Json) => {
    const id = elementIdentity(x);
    return typeof id === 'string' ? id : id ? canonicalJson(id) : canonicalJson(x);
  };
  return [...list].sort((a, b) => cmp(key(a), key(b)));
}

/** The API's form: compact JSON of the comparable form (a legacy string goes as it is). */
export function wireFunction(value: Json): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Identities (the plan's `Function.RuleFunction.Operands[ComparisonValue="…",…]` rows)

/** `ParticipantRole=CUSTOMER AND PostCallContactPeriodSeconds={"First":30}`: one printable token. */
function filterText(fc: Json): string | undefined {
  if (fc === undefined) return undefined;
  if (!isRecord(fc) || !Array.isArray(fc.Filters)) return canonicalJson(fc);
  const op = typeof fc.LogicOperator === 'string' ? fc.LogicOperator : 'AND';
  return fc.Filters.map((f) =>
    isRecord(f) ? `${String(f.Type)}=${typeof f.Data === 'string' ? f.Data : canonicalJson(f.Data)}` : canonicalJson(f),
  )
    .sort(cmp)
    .join(` ${op} `);
}

/**
 * A list element inside a Function: a condition by ComparisonValue, Operator, Negate (when true)
 * and FilterClause; a compound condition by its Operator and parts (an EQUALS part with its
 * value: the evaluation form it is about); an operand by its own value.
 */
export function elementIdentity(x: Json): ElementIdentity | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (isCompound(x)) {
    const parts = x.Operands.map((p) =>
      p.Operator === 'EQUALS' && Array.isArray(p.Operands)
        ? `${String(p.ComparisonValue)}=${p.Operands.map(String).join('|')}`
        : String(p.ComparisonValue),
    );
    return { Operator: String(x.Operator), Of: parts.sort(cmp).join(' & ') };
  }
  if (isRecord(x) && typeof x.ComparisonValue === 'string')
    return {
      ComparisonValue: x.ComparisonValue,
      Operator: typeof x.Operator === 'string' ? x.Operator : undefined,
      Negate: x.Negate === true ? 'true' : undefined,
      FilterClause: filterText(x.FilterClause),
    };
  return x === undefined ? undefined : canonicalJson(x);
}

/** Conditions that may be one condition changed in place: same ComparisonValue (or same compound parts). */
function pairGroup(x: Json): string | undefined {
  if (isCompound(x))
    return `compound:${x.Operands.map((p) => String(p.ComparisonValue))
      .sort(cmp)
      .join('&')}`;
  if (isRecord(x) && typeof x.ComparisonValue === 'string') return x.ComparisonValue;
  // One operand gone and one new (a threshold moved, a phrase reworded): shown as one change.
  return typeof x === 'string' || typeof x === 'number' ? 'operand' : undefined;
}

const CONDITIONS = 'Function.RuleFunction.Operands';
/** The Function's lists: conditions, compound parts and operands, all sets. */
export const FUNCTION_LISTS: ListSpec[] = [
  CONDITIONS,
  `${CONDITIONS}[].Operands`,
  `${CONDITIONS}[].Operands[].Operands`,
].map(
  (path): ListSpec => ({
    path,
    ordered: false,
    identity: elementIdentity,
    pairBy: pairGroup,
    keyedBy: 'a condition by ComparisonValue, Operator, Negate and FilterClause; an operand by its value',
    example:
      path === CONDITIONS
        ? `${CONDITIONS}[ComparisonValue="$.ContactLens.PostCall.Queue.QueueId",Operator="CONTAINS_ANY"]`
        : `${CONDITIONS}[ComparisonValue="$.ContactLens.PostCall.Queue.QueueId",Operator="CONTAINS_ANY"].Operands[="1111…"]`,
  }),
);
