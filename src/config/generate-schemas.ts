/**
 * JSON Schemas (draft-07) for the config, generated from the AWS models so the schema and the API
 * can never disagree about a field, an enum value or a length. The kinds import their item schema
 * from here at runtime (nothing reads schemas/ at runtime); `npm run schemas` writes the same
 * objects to schemas/*.schema.json for editors, and a test keeps the committed files fresh.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { apiName, loadModel, type ModelShape, type ServiceModel, type ServiceName } from '../aws/models.js';
import type { KindName } from '../kinds/types.js';
import { BURST, PARALLELISM, RATE_PER_SECOND } from './bounds.js';

export type JsonSchema = { [keyword: string]: unknown };

export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';
export const SCHEMA_BASE_URL = 'https://connectform.dev/schemas/';
export const DOCUMENT_SCHEMA_FILE = 'connectform.schema.json';

/** The four kinds, in registry order, and the top-level list key each one is declared under. */
export const KIND_NAMES: readonly KindName[] = ['rule', 'taskTemplate', 'customAction', 'lexChannelAssociation'];
export const CONFIG_KEY_OF: Readonly<Record<KindName, string>> = {
  rule: 'rules',
  taskTemplate: 'taskTemplates',
  customAction: 'customActions',
  lexChannelAssociation: 'lexChannelAssociations',
};
/** A Map, not an object: lookups use user-written keys, which may be `__proto__`. */
export const KIND_BY_CONFIG_KEY: ReadonlyMap<string, KindName> = new Map(KIND_NAMES.map((k) => [CONFIG_KEY_OF[k], k]));

/** Names used in `${var.NAME}` / `${env.NAME}` and as target names; shared with interpolate/resolve. */
export const VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
export const TARGET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
/** Real AWS region names (us-east-1, us-gov-west-1, cn-north-1, ...). */
export const REGION_PATTERN = '^[a-z]{2}(?:-[a-z]+)+-\\d+$';
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';
/** Quota keys name operations of these services (the model file names in src/aws/models). */
export const QUOTA_SERVICES: readonly ServiceName[] = ['connect', 'chatbot', 'lex-models'];

export function schemaFileName(kind: KindName): string {
  return `${kind}.schema.json`;
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
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
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
    return { $comment: `model pattern ${JSON.stringify(pattern)} is not a JavaScript regular expression; not checked here (the API checks it)` };
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

/** How a contact flow may be referenced: the API's id, or `{ name }` looked up in the instance. */
function flowReference(idSchema: JsonSchema, description: string | undefined, nameShape: ModelShape | undefined): JsonSchema {
  const name: JsonSchema = { description: "The flow's name in the target's Connect instance; connectform looks up its id.", type: 'string', minLength: nameShape?.min ?? 1 };
  if (nameShape?.max !== undefined) name.maxLength = nameShape.max;
  return {
    ...(description ? { description: `${description} Either the flow's id, or { name } holding the flow's name.` } : {}),
    oneOf: [
      { title: 'flow id', ...idSchema },
      { title: 'flow name reference', type: 'object', properties: { name }, required: ['name'], additionalProperties: false },
    ],
  };
}

class ShapeWalker {
  constructor(
    private readonly model: ServiceModel,
    private readonly source: string,
  ) {}

  shape(name: string, description: string | undefined, stack: readonly string[] = []): JsonSchema {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`${this.source}: shape ${name} is missing`);
    // The models we use have no recursive shapes; inlining would loop forever if one appeared.
    if (stack.includes(name)) throw new Error(`${this.source}: recursive shape ${[...stack, name].join(' > ')} cannot be inlined`);
    const desc = description ?? plainText(shape.documentation);
    const out: JsonSchema = desc ? { description: desc } : {};
    const inner = [...stack, name];
    switch (shape.type) {
      case 'structure':
        return Object.assign(out, this.structure(shape, inner));
      case 'list':
        out.type = 'array';
        out.items = this.shape(shape.member!.shape, undefined, inner);
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

  structure(shape: ModelShape, stack: readonly string[], only?: readonly string[], omit: readonly string[] = []): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      if (omit.includes(member) || (only && !only.includes(member))) continue;
      properties[member] = this.member(ref.shape, plainText(ref.documentation), stack);
    }
    const required = (shape.required ?? []).filter((r) => r in properties);
    return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
  }

  member(shapeName: string, description: string | undefined, stack: readonly string[]): JsonSchema {
    // Every Connect position typed ContactFlowId (TaskAction.ContactFlowId, a task template's
    // ContactFlowId and SelfAssignFlowId) also accepts a name reference.
    if (this.source === 'connect' && shapeName === 'ContactFlowId') {
      const { description: _, ...id } = this.shape(shapeName, undefined, stack);
      return flowReference(id, description, this.model.shapes.ContactFlowName);
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
        description: 'Dotted paths (Function, Actions, Fields.Description) whose differences are ignored.',
        type: 'array',
        items: { type: 'string', minLength: 1 },
        uniqueItems: true,
      },
      renamedFrom: { description: "The resource's previous name: the plan renames it instead of creating a new one.", type: 'string', minLength: 1 },
    },
    additionalProperties: false,
  };
}

interface KindSpec {
  title: string;
  service: ServiceName;
  shape: string;
  omit?: string[];
  only?: string[];
  required?: string[];
  /** Where the description comes from when it is not the shape's own documentation. */
  operation?: string;
  extend?(walker: ShapeWalker, properties: Record<string, JsonSchema>): void;
}

const KIND_SPECS: Record<KindName, KindSpec> = {
  rule: {
    title: 'Amazon Connect rule',
    service: 'connect',
    shape: 'CreateRuleRequest',
    operation: 'CreateRule',
    omit: ['InstanceId', 'ClientToken'],
  },
  taskTemplate: {
    title: 'Amazon Connect task template',
    service: 'connect',
    shape: 'CreateTaskTemplateRequest',
    operation: 'CreateTaskTemplate',
    omit: ['InstanceId', 'ClientToken'],
    extend(walker, properties) {
      // CreateTaskTemplate takes no tags; connectform applies them with TagResource.
      properties.Tags = walker.shape('TagMap', 'Tags of the task template (applied with TagResource after it is created).', ['CreateTaskTemplateRequest']);
    },
  },
  customAction: {
    title: 'AWS Chatbot custom action',
    service: 'chatbot',
    shape: 'CreateCustomActionRequest',
    operation: 'CreateCustomAction',
    omit: ['ClientToken'],
    extend(walker, properties) {
      // connectform's own field: the chat configurations to associate the action with
      // (AssociateToConfiguration's ChatConfiguration, one call per ARN).
      properties.ChatConfigurations = {
        description: 'Chat configuration ARNs the action is associated with (AssociateToConfiguration / DisassociateFromConfiguration).',
        type: 'array',
        items: walker.shape('ChatConfigurationArn', undefined, ['CreateCustomActionRequest']),
      };
    },
  },
  lexChannelAssociation: {
    title: 'Amazon Lex V1 bot channel association',
    service: 'lex-models',
    shape: 'BotChannelAssociation',
    // Only what the user declares; status, createdDate and failureReason are server fields.
    only: ['name', 'description', 'botAlias', 'botName', 'type', 'botConfiguration'],
    required: ['name', 'botName', 'botAlias', 'type'],
  },
};

const kindCache = new Map<KindName, JsonSchema>();

/** The JSON Schema of one config item of `kind` (memoized: the kinds and ajv share one object). */
export function buildKindSchema(kind: KindName): JsonSchema {
  let schema = kindCache.get(kind);
  if (!schema) {
    schema = generateKindSchema(kind);
    kindCache.set(kind, schema);
  }
  return schema;
}

function generateKindSchema(kind: KindName): JsonSchema {
  const spec = KIND_SPECS[kind];
  const model = loadModel(spec.service);
  const walker = new ShapeWalker(model, spec.service);
  const shape = model.shapes[spec.shape];
  const body = walker.structure(shape, [spec.shape], spec.only, spec.omit);
  const properties = body.properties as Record<string, JsonSchema>;
  spec.extend?.(walker, properties);
  properties.lifecycle = lifecycleSchema();
  const required = spec.required ?? (body.required as string[] | undefined) ?? [];
  const description = plainText(spec.operation ? model.operations[spec.operation]?.documentation : shape.documentation);
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${schemaFileName(kind)}`,
    $comment: `Generated by \`npm run schemas\` from src/aws/models/${spec.service}.json (${spec.shape}); do not edit.`,
    title: spec.title,
    ...(description ? { description } : {}),
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Document schema

const INTERPOLATED = '\\$\\{env\\.[A-Za-z_][A-Za-z0-9_]*\\}';

/** A target field may be written literally (checked against `format`) or as `${env.NAME}`. */
function targetStringOf(description: string, format?: string): JsonSchema {
  const s: JsonSchema = { description, type: 'string', minLength: 1 };
  if (format) s.pattern = `^(?:${format.slice(1, -1)}|.*${INTERPOLATED}.*)$`;
  return s;
}

/**
 * `formats: false` leaves out the patterns: the loader's check runs before `${env.X}` is
 * resolved, and resolveTarget checks the real values afterwards with clearer messages.
 */
export function targetSchema(options: { formats?: boolean } = {}): JsonSchema {
  const targetString = (description: string, format?: string) => targetStringOf(description, options.formats === false ? undefined : format);
  return {
    description: 'One AWS account + region + Connect instance that the config is applied to.',
    type: 'object',
    properties: {
      region: targetString('AWS region, e.g. us-east-1.', REGION_PATTERN),
      chatbotRegion: targetString('Region for AWS Chatbot calls (custom actions belong to the account); default: region when Chatbot is offered there.', REGION_PATTERN),
      instanceId: targetString('Amazon Connect instance id (the UUID at the end of the instance ARN). ${env.NAME} works here.'),
      profile: targetString('AWS shared-config profile for this target (default credential chain otherwise).'),
      endpoint: targetString('Endpoint URL override for every AWS client of the target (e.g. the connectform sandbox).'),
      accountId: targetString('12-digit AWS account id (quote it). Learned from AWS when omitted.', ACCOUNT_ID_PATTERN),
      vars: {
        description: 'Values for ${var.NAME} in resource fields of this target.',
        type: 'object',
        propertyNames: { pattern: VAR_NAME_PATTERN },
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
    },
    required: ['region', 'instanceId'],
    additionalProperties: false,
  };
}

/** `service:Operation` or `service:*` for the operations connectform calls. */
export function quotaKeys(): string[] {
  const keys: string[] = [];
  for (const service of QUOTA_SERVICES) {
    keys.push(apiName(service, '*'), ...Object.keys(loadModel(service).operations).sort().map((op) => apiName(service, op)));
  }
  return keys;
}

export function settingsSchema(): JsonSchema {
  return {
    description: 'Settings for every target. Declare them in one file only.',
    type: 'object',
    properties: {
      prune: {
        description: 'Delete managed resources that are no longer declared: true, false, or a list of kinds.',
        oneOf: [
          { title: 'all kinds or none', type: 'boolean' },
          { title: 'list of kinds', type: 'array', items: { type: 'string', enum: [...KIND_NAMES] }, uniqueItems: true },
        ],
      },
      parallelism: { description: 'How many AWS calls may run at once.', type: 'integer', minimum: PARALLELISM.min, maximum: PARALLELISM.max },
      destroyThreshold: {
        description: 'Refuse plans deleting more than `percent` of a kind once it has at least `minResources` (default 30% once >= 10).',
        type: 'object',
        properties: {
          percent: { type: 'number', minimum: 0, maximum: 100 },
          minResources: { type: 'integer', minimum: 0 },
        },
        additionalProperties: false,
      },
      quotas: {
        description: "Client-side rate limits per API operation ('connect:ListRules') or service ('connect:*').",
        type: 'object',
        propertyNames: { enum: quotaKeys() },
        additionalProperties: {
          type: 'object',
          properties: {
            ratePerSecond: { description: 'Sustained calls per second.', type: 'number', minimum: RATE_PER_SECOND.min, maximum: RATE_PER_SECOND.max },
            burst: { description: 'Calls allowed at once before pacing starts.', type: 'integer', minimum: BURST.min, maximum: BURST.max },
          },
          required: ['ratePerSecond', 'burst'],
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  };
}

/**
 * The whole-document schema. `items: 'ref'` (the editor file) points each list at its kind's
 * schema; `items: 'object'` (what the loader checks before interpolation) only requires mappings,
 * because items are validated per target after `${...}` interpolation.
 */
export function buildDocumentSchema(options: { items?: 'ref' | 'object' } = {}): JsonSchema {
  const itemsMode = options.items ?? 'ref';
  const properties: Record<string, JsonSchema> = {
    targets: {
      description: 'Where to apply the config, by name (choose one with --target).',
      type: 'object',
      propertyNames: { pattern: TARGET_NAME_PATTERN, maxLength: 64 },
      additionalProperties: targetSchema({ formats: itemsMode === 'ref' }),
    },
    settings: settingsSchema(),
  };
  for (const kind of KIND_NAMES) {
    properties[CONFIG_KEY_OF[kind]] = {
      description: `${KIND_SPECS[kind].title}s.`,
      type: ['array', 'null'],
      items: itemsMode === 'ref' ? { $ref: schemaFileName(kind) } : { type: 'object' },
    };
  }
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${DOCUMENT_SCHEMA_FILE}`,
    $comment: 'Generated by `npm run schemas`; do not edit. Files of one config are merged: lists concatenate, targets merge by name.',
    title: 'connectform configuration',
    description: 'Targets, settings and the resources connectform manages. Editor line: # yaml-language-server: $schema=<path>/connectform.schema.json',
    type: ['object', 'null'],
    properties,
    additionalProperties: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Editor variant

/** `${var.NAME}` / `${env.NAME}` anywhere in a string, and a whole-string `${var.NAME}`. */
const INTERPOLATION_ANYWHERE = '\\$\\{(?:var|env)\\.[^}]+\\}';
const INTERPOLATION_WHOLE = '^\\$\\{var\\.[^}]+\\}$';
const EDITOR_NOTE = 'Editor variant: a constrained value may also be written as ${var.NAME} or ${env.NAME}; connectform checks the interpolated value against the strict schema.';

/** A constrained scalar also accepts its interpolated spelling, so editors don't flag `${var.x}`. */
function relaxScalar(schema: JsonSchema): JsonSchema {
  const { description, title, ...strict } = schema;
  const constrained = strict.pattern !== undefined || strict.enum !== undefined || strict.minLength !== undefined || strict.maxLength !== undefined;
  let alternative: JsonSchema | undefined;
  if (strict.type === 'string' && constrained) alternative = { type: 'string', pattern: INTERPOLATION_ANYWHERE };
  else if (strict.type === 'integer' || strict.type === 'number' || strict.type === 'boolean') alternative = { type: 'string', pattern: INTERPOLATION_WHOLE };
  if (!alternative) return schema;
  return { ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}), anyOf: [strict, alternative] };
}

/**
 * The schema editors get (schemas/*.schema.json): the config is validated *before* `${...}` is
 * resolved there, so every constrained value also accepts an interpolation. Map keys are never
 * interpolated and stay strict. connectform itself validates with buildKindSchema, after
 * interpolation.
 */
export function editorSchema(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown, isSchema: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, isSchema));
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      if (!isSchema) out[k] = visit(v, true); // the values of `properties`
      else if (k === 'properties') out[k] = visit(v, false);
      else if (['items', 'additionalProperties', 'oneOf', 'anyOf'].includes(k)) out[k] = visit(v, true);
      else out[k] = v; // enum, required, propertyNames (keys), scalars
    }
    return isSchema ? relaxScalar(out) : out;
  };
  const relaxed = visit(schema, true) as JsonSchema;
  return { ...relaxed, $comment: `${String(schema.$comment ?? '')} ${EDITOR_NOTE}`.trim() };
}

// ---------------------------------------------------------------------------------------------
// Files

/** Every schema file as it is committed under schemas/: name → pretty JSON with a final newline. */
export function renderSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(DOCUMENT_SCHEMA_FILE, stableJson(buildDocumentSchema()));
  for (const kind of KIND_NAMES) files.set(schemaFileName(kind), stableJson(editorSchema(buildKindSchema(kind))));
  return files;
}

/** Key order is the construction order above, which is fixed, so the output is stable. */
function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** schemas/ at the repository root, from src/config (vitest) or dist/config (node). */
export function schemasDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
}

export function main(outDir = schemasDir()): void {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of renderSchemaFiles()) {
    writeFileSync(join(outDir, name), text);
    process.stdout.write(`wrote ${join(outDir, name)}\n`);
  }
}

function invokedAsScript(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedAsScript()) main();
