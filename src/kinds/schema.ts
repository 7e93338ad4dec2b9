/**
 * A kind's item schema (JSON Schema draft-07) is a function of the spec the kind declares
 * (`ResourceKind.schemaSpec`: which shape of which AWS model, minus/plus which fields) and of the
 * model itself, so the schema and the API can never disagree about a field, an enum value or a
 * length. Validation uses these objects at runtime; `npm run schemas` (src/config/generate-schemas.ts)
 * writes them to schemas/ for editors. Nothing here knows a kind by name.
 */
import { loadModel, type ModelShape, type ServiceModel, type ServiceName } from '../aws/models.js';
import { REFERENCE_SHAPES, type ReferenceKind } from './references.js';
import { REFERENCE_KINDS } from '../aws/directories.js';

export type JsonSchema = { [keyword: string]: unknown };

export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';
export const SCHEMA_BASE_URL = 'https://connectform.dev/schemas/';

export function schemaFileName(kind: string): string {
  return `${kind}.schema.json`;
}

/** What a spec's `extend` hook may ask for: the schema of any shape of the kind's model. */
export interface ShapeSchemas {
  shape(name: string, description: string | undefined, stack?: readonly string[]): JsonSchema;
}

interface SpecBase {
  /** The schema's title: 'Amazon Connect rule'. */
  title: string;
  /** The structure one config item is, e.g. CreateRuleRequest. */
  shape: string;
  /** Members left out (the instance, the idempotency token: connectform supplies them). */
  omit?: string[];
  /** Only these members (when the shape also holds server fields). */
  only?: string[];
  /** Required members, when not the shape's own list. */
  required?: string[];
  /** Where the description comes from when it is not the shape's own documentation. */
  operation?: string;
  /** Fields the model does not have (connectform's own, or set by another call). */
  extend?(shapes: ShapeSchemas, properties: Record<string, JsonSchema>): void;
}

/**
 * What a kind declares about its config item: a shape of a bundled AWS model (src/aws/models),
 * or of a model the kind carries itself (an API with no bundled model: a test's kind).
 */
export type KindSchemaSpec = SpecBase &
  ({ service: ServiceName; model?: undefined } | { service: string; model: ServiceModel });

/** The parts of a kind its item schema depends on. */
export interface SchemaSource {
  readonly name: string;
  readonly schemaSpec: KindSchemaSpec;
}

// ---------------------------------------------------------------------------------------------
// Model documentation → short plain text

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };
const MAX_DESCRIPTION = 300;

/** Strip the model's HTML and keep the text short enough for an editor tooltip. */
export function plainText(html: string | undefined, max = MAX_DESCRIPTION): string | undefined {
  if (!html) return undefined;
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#')
        return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:)])/g, '$1')
    .trim();
  if (!text) return undefined;
  if (text.length <= max) return text;
  // Prefer ending on a sentence; otherwise on a word.
  const cut = text.slice(0, max);
  const sentence = cut.lastIndexOf('. ');
  if (sentence > max / 3) return cut.slice(0, sentence + 1);
  return `${cut.slice(0, cut.lastIndexOf(' '))}...`;
}

// ---------------------------------------------------------------------------------------------
// Shape → schema

/**
 * botocore patterns are not anchored (Smithy matches them anywhere in the value); a config
 * schema wants the whole value to match, so wrap them. A pattern JavaScript cannot compile under
 * ajv's unicode flag is dropped with a $comment (the API still enforces it).
 */
export function anchoredPattern(pattern: string): { pattern: string } | { $comment: string } {
  const wrapped = isAnchored(pattern) ? pattern : `^(?:${pattern})$`;
  try {
    new RegExp(wrapped, 'u');
    return { pattern: wrapped };
  } catch {
    return {
      $comment: `model pattern ${JSON.stringify(pattern)} is not a JavaScript regular expression; not checked here (the API checks it)`,
    };
  }
}

/** `^...$` with no top-level `|`: already matches whole values only, so it stays readable as is. */
function isAnchored(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return true;
}

/** How an instance resource may be referenced: the API's id, or `{ name }` looked up in the instance. */
export function nameReference(
  idSchema: JsonSchema,
  description: string | undefined,
  kind: ReferenceKind,
  nameShape: ModelShape | undefined,
): JsonSchema {
  const { noun, nameWord } = REFERENCE_KINDS[kind];
  const name: JsonSchema = {
    description:
      kind === 'chatConfiguration'
        ? `The ${noun}'s ${nameWord} in the target's account; connectform looks up its ARN.`
        : `The ${noun}'s ${nameWord} in the target's Connect instance; connectform looks up its id.`,
    type: 'string',
    minLength: nameShape?.min ?? 1,
  };
  if (nameShape?.max !== undefined) name.maxLength = nameShape.max;
  return {
    ...(description
      ? {
          description: `${description} Either the ${noun}'s ${kind === 'chatConfiguration' ? 'ARN' : 'id'}, or { name } holding the ${noun}'s ${nameWord}.`,
        }
      : {}),
    oneOf: [
      { title: `${noun} ${kind === 'chatConfiguration' ? 'ARN' : 'id'}`, ...idSchema },
      {
        title: `${noun} name reference`,
        type: 'object',
        properties: { name },
        required: ['name'],
        additionalProperties: false,
      },
    ],
  };
}

class ShapeWalker implements ShapeSchemas {
  constructor(
    private readonly model: ServiceModel,
    private readonly source: string,
  ) {}

  shape(name: string, description: string | undefined, stack: readonly string[] = []): JsonSchema {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`${this.source}: shape ${name} is missing`);
    // The models we use have no recursive shapes; inlining would loop forever if one appeared.
    if (stack.includes(name))
      throw new Error(`${this.source}: recursive shape ${[...stack, name].join(' > ')} cannot be inlined`);
    const desc = description ?? plainText(shape.documentation);
    const out: JsonSchema = desc ? { description: desc } : {};
    const inner = [...stack, name];
    switch (shape.type) {
      case 'structure':
        return Object.assign(out, this.structure(shape, inner));
      case 'list':
        out.type = 'array';
        out.items = this.member(shape.member!.shape, undefined, inner);
        if (shape.min !== undefined) out.minItems = shape.min;
        if (shape.max !== undefined) out.maxItems = shape.max;
        return out;
      case 'map': {
        out.type = 'object';
        const key = this.model.shapes[shape.key!.shape];
        const names: JsonSchema = {};
        if (key?.enum) names.enum = [...key.enum];
        else {
          if (key?.min !== undefined) names.minLength = key.min;
          if (key?.max !== undefined) names.maxLength = key.max;
          if (key?.pattern) Object.assign(names, anchoredPattern(key.pattern));
        }
        if (Object.keys(names).length) out.propertyNames = names;
        out.additionalProperties = this.shape(shape.value!.shape, undefined, inner);
        if (shape.min !== undefined) out.minProperties = shape.min;
        if (shape.max !== undefined) out.maxProperties = shape.max;
        return out;
      }
      case 'string':
        out.type = 'string';
        if (shape.enum) {
          out.enum = [...shape.enum];
          return out;
        }
        if (shape.min !== undefined) out.minLength = shape.min;
        if (shape.max !== undefined) out.maxLength = shape.max;
        if (shape.pattern) Object.assign(out, anchoredPattern(shape.pattern));
        return out;
      case 'integer':
      case 'long':
        out.type = 'integer';
        if (shape.min !== undefined) out.minimum = shape.min;
        if (shape.max !== undefined) out.maximum = shape.max;
        return out;
      case 'double':
      case 'float':
        out.type = 'number';
        if (shape.min !== undefined) out.minimum = shape.min;
        if (shape.max !== undefined) out.maximum = shape.max;
        return out;
      case 'boolean':
        out.type = 'boolean';
        return out;
      case 'timestamp':
      case 'blob':
        out.type = 'string';
        return out;
    }
  }

  structure(
    shape: ModelShape,
    stack: readonly string[],
    only?: readonly string[],
    omit: readonly string[] = [],
  ): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      if (omit.includes(member) || (only && !only.includes(member))) continue;
      properties[member] = this.member(ref.shape, plainText(ref.documentation), stack);
    }
    const required = (shape.required ?? []).filter((r) => r in properties);
    return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
  }

  member(shapeName: string, description: string | undefined, stack: readonly string[]): JsonSchema {
    // Every Connect position typed as a reference (references.ts: ContactFlowId, UserId,
    // EvaluationFormId) also accepts a name reference.
    const ref = this.source === 'connect' ? REFERENCE_SHAPES[shapeName] : undefined;
    if (ref) {
      const { description: _, ...id } = this.shape(shapeName, undefined, stack);
      return nameReference(id, description, ref, this.model.shapes[REFERENCE_KINDS[ref].nameShape]);
    }
    return this.shape(shapeName, description, stack);
  }
}

// ---------------------------------------------------------------------------------------------
// Kind schemas

export function lifecycleSchema(): JsonSchema {
  return {
    description: 'connectform settings for this resource (not sent to AWS).',
    type: 'object',
    properties: {
      preventDestroy: { description: 'Refuse any plan that deletes or replaces this resource.', type: 'boolean' },
      ignoreChanges: {
        description:
          'Paths whose differences are ignored, in the identity grammar of plan rows (docs/CONFIGURATION.md#lifecycle): a field or a whole list (Function, Actions), a member of every element (Fields.Description), or of one element by identity (Fields[Id.Name="Notes"].Description).',
        type: 'array',
        items: { type: 'string', minLength: 1 },
        uniqueItems: true,
      },
      renamedFrom: {
        description: "The resource's previous name: the plan renames it instead of creating a new one.",
        type: 'string',
        minLength: 1,
      },
    },
    additionalProperties: false,
  };
}

/** `onlyTargets` / `exceptTargets` (src/config/target-selection.ts checks the names against the targets). */
export function targetSelectionSchemas(): Record<'onlyTargets' | 'exceptTargets', JsonSchema> {
  const names = (description: string): JsonSchema => ({
    description,
    type: 'array',
    items: { type: 'string', minLength: 1 },
    minItems: 1,
    uniqueItems: true,
  });
  return {
    onlyTargets: names(
      'connectform: the targets this resource goes to (names under targets:); every other target sees it as undeclared. Not with exceptTargets.',
    ),
    exceptTargets: names(
      'connectform: the targets this resource does not go to (names under targets:); they see it as undeclared. Not with onlyTargets.',
    ),
  };
}

const itemSchemas = new WeakMap<KindSchemaSpec, JsonSchema>();

/** The JSON Schema of one config item of `kind` (memoized per spec: validation and ajv share one object). */
export function itemSchema(kind: SchemaSource): JsonSchema {
  let schema = itemSchemas.get(kind.schemaSpec);
  if (!schema) {
    schema = generateItemSchema(kind.name, kind.schemaSpec);
    itemSchemas.set(kind.schemaSpec, schema);
  }
  return schema;
}

function generateItemSchema(name: string, spec: KindSchemaSpec): JsonSchema {
  const model = spec.model ?? loadModel(spec.service as ServiceName);
  const walker = new ShapeWalker(model, spec.service);
  const shape = model.shapes[spec.shape];
  if (!shape) throw new Error(`${spec.service}: shape ${spec.shape} is missing`);
  const body = walker.structure(shape, [spec.shape], spec.only, spec.omit);
  const properties = body.properties as Record<string, JsonSchema>;
  spec.extend?.(walker, properties);
  properties.lifecycle = lifecycleSchema();
  Object.assign(properties, targetSelectionSchemas());
  const required = spec.required ?? (body.required as string[] | undefined) ?? [];
  const description = plainText(spec.operation ? model.operations[spec.operation]?.documentation : shape.documentation);
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${schemaFileName(name)}`,
    $comment: `Generated by \`npm run schemas\` from ${spec.model ? `the ${spec.service} model` : `src/aws/models/${spec.service}.json`} (${spec.shape}); do not edit.`,
    title: spec.title,
    ...(description ? { description } : {}),
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
}
