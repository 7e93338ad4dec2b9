/**
 * The sandbox's own reading of AWS's Rules Function language: what CreateRule and UpdateRule
 * accept as a rule's `Function`. Written from the API reference pages, not from connectform's
 * catalog (the layer rule: an emulator that shares the client's beliefs proves nothing):
 *
 * - "Amazon Connect Rules Function language", "Concepts" and "Example rule function"
 *   (https://docs.aws.amazon.com/connect/latest/APIReference/connect-rules-language.html,
 *   rules-language-concepts.html, example-rule-function.html): a JSON document
 *   `{"Version": "2022-11-25", "RuleFunction": {"Operator": "AND" | "OR", "Operands": [...]}}`;
 *   "Currently the only supported version is 2022-11-25"; "The very top Operator has to be
 *   either AND or OR"; each condition has Operator, Operands, ComparisonValue ("A JSON path
 *   string"), an optional FilterClause and Negate ("A Boolean value").
 * - "Conditions in Amazon Connect Rules Function language" (rule-function-conditions.html):
 *   "Conditions vary depending on the TriggerEventSource", with one page per event source. Every
 *   ComparisonValue a page lists starts with the prefix recorded below for that source.
 * - Compound conditions (sentiment score shift, evaluation form/section score, question and
 *   answer, OnMetricDataUpdate's MetricGroup): an `AND`/`OR` whose Operands are conditions,
 *   directly under RuleFunction. OnMetricDataUpdate alone puts a FilterClause on RuleFunction
 *   (its `MetricDataGrouping` filter).
 * - "PatternMatch Operands" (patternmatch-operands.html): objects `{Type, Value}` with Type
 *   PLAIN | LIST | PROXIMITY | NUMERICAL.
 *
 * Where the pages are silent the stricter reading holds (members the pages never show are
 * refused, nesting stops one level below RuleFunction, operators are the ones the pages name).
 * docs/FIDELITY.md lists each decision and the test that covers it.
 */

export const RULES_FUNCTION_VERSION = '2022-11-25';

/** The comparison operators the per-source pages name. `AND` / `OR` only group conditions. */
export const CONDITION_OPERATORS = [
  'CONTAINS_ANY',
  'CONTAINS',
  'EQUALS',
  'NumberGreaterOrEqualTo',
  'NumberLessOrEqualTo',
] as const;

const GROUP_OPERATORS = ['AND', 'OR'];

/**
 * Per documented event source, the ComparisonValue prefixes its page uses (every condition the
 * page lists starts with one of them). A source the EventSourceName enum lists but no page
 * documents is absent: its conditions get the structural checks only.
 */
export const COMPARISON_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  OnPostCallAnalysisAvailable: ['$.ContactLens.PostCall.'],
  OnRealTimeCallAnalysisAvailable: ['$.ContactLens.RealTimeCall.'],
  OnPostChatAnalysisAvailable: ['$.ContactLens.PostChat.'],
  OnEmailAnalysisAvailable: ['$.ContactLens.Email.'],
  OnContactEvaluationSubmit: ['$.ContactLens.ContactEvaluation.'],
  OnZendeskTicketCreate: ['$.ThirdParty.Zendesk.TicketCreate.'],
  OnZendeskTicketStatusUpdate: ['$.ThirdParty.Zendesk.StatusUpdate.'],
  OnSalesforceCaseCreate: ['$.ThirdParty.Salesforce.CaseCreate.'],
  // Case fields ($.Case.Fields.status, …) and the case template condition ($.Case.TemplateId).
  OnCaseCreate: ['$.Case.Fields.', '$.Case.TemplateId'],
  OnCaseUpdate: ['$.Case.Fields.', '$.Case.TemplateId'],
  OnSlaBreach: ['$.RelatedItem.SlaConfiguration.'],
  OnMetricDataUpdate: ['$.MetricData.'],
};

/** Sources whose RuleFunction may carry a FilterClause (the rule-level End Dimension filter). */
const RULE_LEVEL_FILTER = new Set(['OnMetricDataUpdate']);

const PATTERN_TYPES = ['PLAIN', 'LIST', 'PROXIMITY', 'NUMERICAL'];

/**
 * Documented Functions nest about 11 levels (a filter's Data inside a compound condition); a
 * bound keeps every later walk (the checks, the reformatting echo) clear of the stack limit.
 */
export const MAX_NESTING = 32;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/** The first problem found, as one sentence naming where (a JSON path inside the Function). */
export class RuleFunctionProblem extends Error {}

function fail(where: string, what: string): never {
  throw new RuleFunctionProblem(`Function${where}: ${what}`);
}

function onlyKeys(value: Json, where: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(where, `unknown member ${show(key)} (the Rules Function language allows ${allowed.join(', ')} here).`);
  }
}

/**
 * Checks `text` against the Rules Function language for `eventSource`; throws a
 * RuleFunctionProblem naming the first problem. Returns the parsed document.
 */
export function checkRuleFunction(text: string, eventSource: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('', 'is not valid JSON; a rule function is a JSON document in the Rules Function language.');
  }
  if (!isObject(doc)) fail('', 'must be a JSON object with Version and RuleFunction.');
  if (!nestedWithin(doc, MAX_NESTING)) fail('', `nests objects and arrays deeper than ${MAX_NESTING} levels.`);
  onlyKeys(doc, '', ['Version', 'RuleFunction']);
  if (doc.Version !== RULES_FUNCTION_VERSION)
    fail(
      '.Version',
      `${show(doc.Version)} is not a supported version; the only supported version is ${RULES_FUNCTION_VERSION}.`,
    );
  const top = doc.RuleFunction;
  if (!isObject(top)) fail('.RuleFunction', 'must be an object with Operator and Operands.');
  const topKeys = RULE_LEVEL_FILTER.has(eventSource)
    ? ['Operator', 'Operands', 'FilterClause']
    : ['Operator', 'Operands'];
  onlyKeys(top, '.RuleFunction', topKeys);
  checkGroupOperator(top, '.RuleFunction');
  if (top.FilterClause !== undefined) checkFilterClause(top.FilterClause, '.RuleFunction.FilterClause');
  const operands = nonEmptyArray(top.Operands, '.RuleFunction.Operands', 'conditions');
  operands.forEach((operand, i) => {
    const where = `.RuleFunction.Operands[${i}]`;
    if (isObject(operand) && GROUP_OPERATORS.includes(operand.Operator as string) && !('ComparisonValue' in operand)) {
      // A compound condition: conditions grouped by AND / OR, one level only.
      onlyKeys(operand, where, ['Operator', 'Operands']);
      for (const [j, inner] of nonEmptyArray(operand.Operands, `${where}.Operands`, 'conditions').entries())
        checkCondition(inner, `${where}.Operands[${j}]`, eventSource);
    } else {
      checkCondition(operand, where, eventSource);
    }
  });
  return doc;
}

/** Iterative, so a hostile document cannot exhaust the stack here either. */
function nestedWithin(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return false;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

function checkGroupOperator(group: Json, where: string): void {
  if (!GROUP_OPERATORS.includes(group.Operator as string))
    fail(`${where}.Operator`, `${show(group.Operator)} is not allowed here; the top Operator has to be AND or OR.`);
}

function nonEmptyArray(value: unknown, where: string, what: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) fail(where, `must be a non-empty array of ${what}.`);
  return value;
}

function checkCondition(condition: unknown, where: string, eventSource: string): void {
  if (!isObject(condition)) fail(where, 'must be a condition object (Operator, Operands, ComparisonValue).');
  onlyKeys(condition, where, ['Operator', 'Operands', 'ComparisonValue', 'FilterClause', 'Negate']);
  const operator = condition.Operator;
  if (GROUP_OPERATORS.includes(operator as string))
    fail(`${where}.Operator`, `${show(operator)} groups conditions only directly under RuleFunction.`);
  if (!(CONDITION_OPERATORS as readonly unknown[]).includes(operator))
    fail(`${where}.Operator`, `${show(operator)} is not a condition operator (${CONDITION_OPERATORS.join(', ')}).`);
  const path = condition.ComparisonValue;
  if (typeof path !== 'string' || !/^\$\.[A-Za-z_]/.test(path))
    fail(`${where}.ComparisonValue`, 'must be a JSON path string starting with "$.".');
  const prefixes = COMPARISON_PREFIXES[eventSource];
  if (prefixes && !prefixes.some((p) => path.startsWith(p)))
    fail(
      `${where}.ComparisonValue`,
      `${show(path)} is not a condition of event source ${eventSource} (its conditions compare ${prefixes.map((p) => `${p}…`).join(' or ')}).`,
    );
  if (!Array.isArray(condition.Operands)) fail(`${where}.Operands`, 'must be an array.');
  const patterns = path.endsWith('.PatternMatch.Transcript');
  for (const [i, operand] of condition.Operands.entries()) {
    const at = `${where}.Operands[${i}]`;
    if (patterns) checkPatternOperand(operand, at);
    else if (typeof operand !== 'string' && !(typeof operand === 'number' && Number.isFinite(operand)))
      fail(at, `${show(operand)} is not a string or a number.`);
  }
  if (condition.Negate !== undefined && typeof condition.Negate !== 'boolean')
    fail(`${where}.Negate`, 'must be true or false.');
  if (condition.FilterClause !== undefined) checkFilterClause(condition.FilterClause, `${where}.FilterClause`);
}

/** `{"LogicOperator": "AND", "Filters": [{"Type": …, "Data": …}]}`; every page: Only "AND" is supported. */
function checkFilterClause(clause: unknown, where: string): void {
  if (!isObject(clause)) fail(where, 'must be an object with LogicOperator and Filters.');
  onlyKeys(clause, where, ['LogicOperator', 'Filters']);
  if (clause.LogicOperator !== 'AND') fail(`${where}.LogicOperator`, 'only "AND" is supported.');
  nonEmptyArray(clause.Filters, `${where}.Filters`, 'filters').forEach((filter, i) => {
    const at = `${where}.Filters[${i}]`;
    if (!isObject(filter)) fail(at, 'must be an object with Type and Data.');
    onlyKeys(filter, at, ['Type', 'Data']);
    if (typeof filter.Type !== 'string' || filter.Type === '') fail(`${at}.Type`, 'must be a filter type name.');
    if (filter.Data === undefined || filter.Data === null) fail(`${at}.Data`, 'is required.');
  });
}

/** An operand of a pattern match condition: a PatternMatch object, or an array of them. */
function checkPatternOperand(operand: unknown, where: string): void {
  if (Array.isArray(operand)) {
    if (!operand.length) fail(where, 'must hold at least one PatternMatch object.');
    for (const [i, o] of operand.entries()) checkPatternObject(o, `${where}[${i}]`);
  } else {
    checkPatternObject(operand, where);
  }
}

function checkPatternObject(pattern: unknown, where: string, insideList = false): void {
  if (!isObject(pattern)) fail(where, 'must be a PatternMatch object {Type, Value}.');
  onlyKeys(pattern, where, ['Type', 'Value']);
  const type = pattern.Type;
  if (!PATTERN_TYPES.includes(type as string))
    fail(`${where}.Type`, `${show(type)} is not a PatternMatch type (${PATTERN_TYPES.join(', ')}).`);
  if (insideList && type !== 'PLAIN') fail(`${where}.Type`, 'a LIST holds PLAIN PatternMatch objects only.');
  const value = pattern.Value;
  const at = `${where}.Value`;
  if (type === 'PLAIN' && typeof value !== 'string') fail(at, 'must be a string for a PLAIN pattern.');
  if (type === 'LIST') {
    for (const [i, o] of nonEmptyArray(value, at, 'PLAIN PatternMatch objects').entries())
      checkPatternObject(o, `${at}[${i}]`, true);
  }
  if (type === 'PROXIMITY') {
    if (!isObject(value)) fail(at, 'must be {"Distance": number, "IsWithin": boolean}.');
    onlyKeys(value, at, ['Distance', 'IsWithin']);
    if (typeof value.Distance !== 'number' || !Number.isFinite(value.Distance))
      fail(`${at}.Distance`, 'must be a number.');
    if (typeof value.IsWithin !== 'boolean') fail(`${at}.IsWithin`, 'must be true or false.');
  }
  if (type === 'NUMERICAL') {
    if (!isObject(value)) fail(at, 'must be {"Decimal": boolean}.');
    onlyKeys(value, at, ['Decimal']);
    if (typeof value.Decimal !== 'boolean') fail(`${at}.Decimal`, 'must be true or false.');
  }
}

/**
 * The same JSON value as `text`, written differently: every object's keys in reverse order and
 * another indentation. For `--rule-function-echo reformat`, which lets tests prove that a live
 * Function spelled differently from the config is no change.
 */
export function reformatRuleFunction(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // only valid documents are ever stored; nothing to reformat otherwise
  }
  const reversed = reverseKeys(value);
  for (const indent of [2, 4, '\t', 0]) {
    const out = JSON.stringify(reversed, null, indent);
    if (out !== text) return out;
  }
  return `${text} `;
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys(value[key]);
  return out;
}
