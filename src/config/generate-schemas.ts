/**
 * JSON Schemas (draft-07) for the config: the document (targets, settings, one list per
 * registered kind) and, per kind, its item schema (src/kinds/schema.ts, from the spec the kind
 * declares and the AWS model); and for connectform's JSON output and saved plans (plan-schemas.ts). Nothing reads schemas/ at runtime; `npm run schemas` writes the
 * same objects to schemas/*.schema.json for editors, and a test keeps the committed files fresh.
 * Nothing here names a kind: every list comes from the registry (src/kinds/index.ts).
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { apiName, loadModel, type ServiceName } from '../aws/models.js';
import { allKinds, kindByName, kindNames } from '../kinds/index.js';
import { itemSchema, SCHEMA_BASE_URL, SCHEMA_DRAFT, schemaFileName, type JsonSchema } from '../kinds/schema.js';
import type { KindName } from '../kinds/types.js';
import { BURST, PARALLELISM, RATE_PER_SECOND } from './bounds.js';
import { PLAN_OUTPUT_SCHEMA_FILE, planOutputSchema, SAVED_PLAN_SCHEMA_FILE, savedPlanSchema } from './plan-schemas.js';

export {
  anchoredPattern,
  lifecycleSchema,
  plainText,
  SCHEMA_BASE_URL,
  SCHEMA_DRAFT,
  schemaFileName,
  type JsonSchema,
} from '../kinds/schema.js';

export const DOCUMENT_SCHEMA_FILE = 'connectform.schema.json';

/** Names used in `${var.NAME}` / `${env.NAME}` and as target names; shared with interpolate/resolve. */
export const VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
export const TARGET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
/** Real AWS region names (us-east-1, us-gov-west-1, cn-north-1, ...). */
export const REGION_PATTERN = '^[a-z]{2}(?:-[a-z]+)+-\\d+$';
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';
export const ROLE_ARN_PATTERN = '^arn:aws[\\w-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$';
/** Quota keys name operations of these services (the model file names in src/aws/models). */
export const QUOTA_SERVICES: readonly ServiceName[] = ['connect', 'chatbot', 'lex-models'];

/** The item schema of a registered kind, by name (what validation checks after interpolation). */
export function buildKindSchema(kind: KindName): JsonSchema {
  const registered = kindByName(kind);
  if (!registered) throw new Error(`no resource kind named '${kind}' is registered`);
  return itemSchema(registered);
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

/** A var's value; recursive, so it lives in the document's definitions. */
const VAR_VALUE_REF: JsonSchema = { $ref: '#/definitions/varValue' };
const VAR_VALUE: JsonSchema = {
  type: ['string', 'number', 'boolean', 'array', 'object'],
  items: VAR_VALUE_REF,
  additionalProperties: VAR_VALUE_REF,
};

/**
 * `formats: false` leaves out the patterns: the loader's check runs before `${env.X}` is
 * resolved, and resolveTarget checks the real values afterwards with clearer messages.
 */
export function targetSchema(options: { formats?: boolean } = {}): JsonSchema {
  const targetString = (description: string, format?: string) =>
    targetStringOf(description, options.formats === false ? undefined : format);
  return {
    description: 'One AWS account + region + Connect instance that the config is applied to.',
    type: 'object',
    properties: {
      region: targetString('AWS region, e.g. us-east-1.', REGION_PATTERN),
      chatbotRegion: targetString(
        'Region for AWS Chatbot calls (custom actions belong to the account); default: region when Chatbot is offered there.',
        REGION_PATTERN,
      ),
      instanceId: targetString(
        'Amazon Connect instance id (the UUID at the end of the instance ARN), or the instance ARN (its region and account are checked). ${env.NAME} works here.',
      ),
      profile: targetString('AWS shared-config profile for this target (default credential chain otherwise).'),
      endpoint: targetString(
        'Endpoint URL override for every AWS client of the target (e.g. the connectform sandbox).',
      ),
      accountId: targetString(
        "12-digit AWS account id (quote it). Checked against the credentials' account (sts:GetCallerIdentity) before any read; learned from AWS when omitted.",
        ACCOUNT_ID_PATTERN,
      ),
      roleArn: targetString(
        "IAM role to assume for this target (sts:AssumeRole), from the profile's credentials or the default chain.",
        ROLE_ARN_PATTERN,
      ),
      externalId: targetString("External id the role's trust policy requires (with roleArn)."),
      roleSessionName: targetString('Session name when assuming roleArn; default connectform-<target>.'),
      vars: {
        description:
          'Values for ${var.NAME} in resource fields of this target: text, numbers, true/false, or lists and mappings of them (used only as a whole value).',
        type: 'object',
        propertyNames: { pattern: VAR_NAME_PATTERN },
        additionalProperties: VAR_VALUE_REF,
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
    keys.push(
      apiName(service, '*'),
      ...Object.keys(loadModel(service).operations)
        .sort()
        .map((op) => apiName(service, op)),
    );
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
          { title: 'list of kinds', type: 'array', items: { type: 'string', enum: kindNames() }, uniqueItems: true },
        ],
      },
      parallelism: {
        description: 'How many AWS calls may run at once.',
        type: 'integer',
        minimum: PARALLELISM.min,
        maximum: PARALLELISM.max,
      },
      destroyThreshold: {
        description:
          'Refuse plans deleting more than `percent` of a kind once it has at least `minResources` (default 30% once >= 10).',
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
            ratePerSecond: {
              description: 'Sustained calls per second.',
              type: 'number',
              minimum: RATE_PER_SECOND.min,
              maximum: RATE_PER_SECOND.max,
            },
            burst: {
              description: 'Calls allowed at once before pacing starts.',
              type: 'integer',
              minimum: BURST.min,
              maximum: BURST.max,
            },
          },
          required: ['ratePerSecond', 'burst'],
          additionalProperties: false,
        },
      },
      ruleFunction: {
        description: 'How rule Functions are checked against the documented conditions.',
        type: 'object',
        properties: {
          unknownConditions: {
            description:
              "A ComparisonValue connectform's condition catalog does not know: an error (default), or a warning (for conditions AWS added after this connectform).",
            type: 'string',
            enum: ['error', 'warn'],
          },
        },
        additionalProperties: false,
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
  for (const kind of allKinds()) {
    properties[kind.configKey] = {
      description: `${kind.schemaSpec.title}s.`,
      type: ['array', 'null'],
      items: itemsMode === 'ref' ? { $ref: schemaFileName(kind.name) } : { type: 'object' },
    };
  }
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${DOCUMENT_SCHEMA_FILE}`,
    $comment:
      'Generated by `npm run schemas`; do not edit. Files of one config are merged: lists concatenate, targets merge by name.',
    title: 'connectform configuration',
    description:
      'Targets, settings and the resources connectform manages. Editor line: # yaml-language-server: $schema=<path>/connectform.schema.json',
    type: ['object', 'null'],
    properties,
    additionalProperties: false,
    definitions: { varValue: VAR_VALUE },
  };
}

// ---------------------------------------------------------------------------------------------
// Editor variant

/** `${var.NAME}` / `${env.NAME}` anywhere in a string, and a whole-string `${var.NAME}`. */
const INTERPOLATION_ANYWHERE = '\\$\\{(?:var|env)\\.[^}]+\\}';
const INTERPOLATION_WHOLE = '^\\$\\{var\\.[^}]+\\}$';
const EDITOR_NOTE =
  'Editor variant: a constrained value may also be written as ${var.NAME} or ${env.NAME}; connectform checks the interpolated value against the strict schema.';

/** A constrained scalar also accepts its interpolated spelling, so editors don't flag `${var.x}`. */
function relaxScalar(schema: JsonSchema): JsonSchema {
  const { description, title, ...strict } = schema;
  const constrained =
    strict.pattern !== undefined ||
    strict.enum !== undefined ||
    strict.minLength !== undefined ||
    strict.maxLength !== undefined;
  let alternative: JsonSchema | undefined;
  if (strict.type === 'string' && constrained) alternative = { type: 'string', pattern: INTERPOLATION_ANYWHERE };
  else if (['integer', 'number', 'boolean', 'array', 'object'].includes(strict.type as string))
    // A list or mapping may be one whole `${var.NAME}` too (vars hold lists and maps).
    alternative = { type: 'string', pattern: INTERPOLATION_WHOLE };
  if (!alternative) return schema;
  return {
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    anyOf: [strict, alternative],
  };
}

/**
 * The schema editors get (schemas/*.schema.json): the config is validated *before* `${...}` is
 * resolved there, so every constrained value also accepts an interpolation. Map keys are never
 * interpolated and stay strict. connectform itself validates with buildKindSchema, after
 * interpolation.
 */
export function editorSchema(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown, isSchema: boolean, root = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, isSchema));
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      if (!isSchema)
        out[k] = visit(v, true); // the values of `properties`
      else if (k === 'properties') out[k] = visit(v, false);
      else if (['items', 'additionalProperties', 'oneOf', 'anyOf'].includes(k)) out[k] = visit(v, true);
      else out[k] = v; // enum, required, propertyNames (keys), scalars
    }
    return isSchema && !root ? relaxScalar(out) : out;
  };
  // The item itself stays a mapping: a var never stands for a whole resource item.
  const relaxed = visit(schema, true, true) as JsonSchema;
  return { ...relaxed, $comment: `${String(schema.$comment ?? '')} ${EDITOR_NOTE}`.trim() };
}

// ---------------------------------------------------------------------------------------------
// Files

/** Every schema file as it is committed under schemas/: name → pretty JSON with a final newline. */
export function renderSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(DOCUMENT_SCHEMA_FILE, stableJson(buildDocumentSchema()));
  for (const kind of allKinds()) files.set(schemaFileName(kind.name), stableJson(editorSchema(itemSchema(kind))));
  // What connectform prints and saves (docs/PLAN-FORMAT.md), for readers of its JSON.
  files.set(PLAN_OUTPUT_SCHEMA_FILE, stableJson(planOutputSchema()));
  files.set(SAVED_PLAN_SCHEMA_FILE, stableJson(savedPlanSchema()));
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
  writeGeneratedFiles(outDir, renderSchemaFiles());
}

/** Writes generated files into `outDir` (created if need be), saying each. */
export function writeGeneratedFiles(outDir: string, files: Map<string, string>): void {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) {
    writeFileSync(join(outDir, name), text);
    process.stdout.write(`wrote ${join(outDir, name)}\n`);
  }
}

/** True when the module at `moduleUrl` is the script node was started with (`node dist/config/x.js`). */
export function invokedAsScript(moduleUrl: string): boolean {
  if (!process.argv[1]) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedAsScript(import.meta.url)) main();
