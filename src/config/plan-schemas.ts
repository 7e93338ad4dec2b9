/**
 * JSON Schemas (draft-07) of what connectform prints and saves, published in schemas/ for CI
 * scripts and other readers (docs/PLAN-FORMAT.md):
 *   plan-output.schema.json — the one document `plan`, `drift`, `show` and `apply` print with
 *                             `--format json` (`{ version, plans, errors }`, apply adds
 *                             `targets` and `reports`);
 *   saved-plan.schema.json  — the file `plan --out` writes (one plan plus its own members).
 * The contract is src/engine/plan.ts and src/engine/apply.ts; config/ may not import the engine
 * (the layer rules), so the two constants below are restated here and a test checks they equal
 * the engine's (PLAN_VERSION, SAVED_PLAN_FORMAT). The kinds come from the registry.
 */
import { kindNames } from '../kinds/index.js';
import { lifecycleSchema, SCHEMA_BASE_URL, SCHEMA_DRAFT, type JsonSchema } from '../kinds/schema.js';

/** src/engine/plan.ts PLAN_VERSION. */
export const DOCUMENT_PLAN_VERSION = 3;
/** src/engine/saved-plan.ts SAVED_PLAN_FORMAT. */
export const DOCUMENT_SAVED_PLAN_FORMAT = 'connectform-saved-plan';

export const PLAN_OUTPUT_SCHEMA_FILE = 'plan-output.schema.json';
export const SAVED_PLAN_SCHEMA_FILE = 'saved-plan.schema.json';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const text = (description: string): JsonSchema => ({ description, type: 'string' });
const count: JsonSchema = { type: 'integer', minimum: 0 };
const arrayOf = (items: JsonSchema, description?: string): JsonSchema => ({
  ...(description ? { description } : {}),
  type: 'array',
  items,
});

/** An object with exactly these members, `required` among them. */
function strictObject(properties: Record<string, JsonSchema>, required: string[], description?: string): JsonSchema {
  return { ...(description ? { description } : {}), type: 'object', properties, required, additionalProperties: false };
}

function kindSchema(): JsonSchema {
  return { description: 'Resource kind (the registry: src/kinds/index.ts).', type: 'string', enum: kindNames() };
}

const planProperties = (): Record<string, JsonSchema> => ({
  version: {
    description: 'The plan format version; a change that breaks readers bumps it.',
    const: DOCUMENT_PLAN_VERSION,
  },
  target: text('Target name in the config.'),
  scope: strictObject(
    { region: text('AWS region.'), instanceId: text('Amazon Connect instance id.') },
    ['region', 'instanceId'],
    'Where the plan was made.',
  ),
  // A pattern rather than `format: date-time`, which plain ajv (no ajv-formats) refuses to compile.
  createdAt: {
    description: 'When the plan was made (ISO-8601, UTC).',
    type: 'string',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
  },
  configFingerprint: text("sha256 of the target's resolved config."),
  changes: arrayOf(ref('change'), 'Sorted: kind (registry order), name, action.'),
  unmanaged: arrayOf(ref('resourceRef'), 'Live resources not declared and not pruned: left alone.'),
  blocked: arrayOf(ref('blocker'), 'Why apply would refuse (exit 3 with plan --detailed-exitcode).'),
  notes: arrayOf({ type: 'string' }, 'Notes for the reader (kinds skipped, warnings).'),
  log: arrayOf(
    { type: 'string' },
    "Lines for the run's log rather than the reader of a plan (how far the snapshot cache was trusted); markdown leaves them to stderr.",
  ),
  summary: strictObject(
    Object.fromEntries(
      ['create', 'update', 'replace', 'delete', 'manual', 'unchanged', 'unmanaged'].map((k) => [k, count]),
    ),
    ['create', 'update', 'replace', 'delete', 'manual', 'unchanged', 'unmanaged'],
  ),
  redacted: {
    description: 'Always true: printed and saved plans hold markers in place of sensitive values.',
    const: true,
  },
});

const PLAN_REQUIRED = [
  'version',
  'target',
  'scope',
  'createdAt',
  'configFingerprint',
  'changes',
  'unmanaged',
  'blocked',
  'notes',
  'summary',
];

/** Everything a plan is made of, shared by both files. */
function planDefinitions(): Record<string, JsonSchema> {
  const fieldChange: JsonSchema = {
    ...strictObject(
      {
        path: text(
          'Identity path relative to the body: members joined by dots, list elements by identity (Fields[Id.Name="Policy number"].Type).',
        ),
        op: {
          description: 'add / remove a value or list element, change it in place, move an element of an ordered list.',
          enum: ['add', 'remove', 'change', 'move'],
        },
        impact: {
          description:
            'On update and replace changes: update (the update call makes it) or replace (it forces delete + create).',
          enum: ['update', 'replace'],
        },
        from: { ...count, description: 'move: position in the live list.' },
        to: { ...count, description: 'move: position in the desired list.' },
        before: { description: 'Live value (normalized); a marker when sensitive.' },
        after: { description: 'Desired value (normalized); a marker when sensitive.' },
        sensitive: arrayOf(
          { type: 'string' },
          'The value is sensitive: the env.NAMEs it came from (empty for a secret field).',
        ),
      },
      ['path', 'op'],
      'One field row.',
    ),
    if: { properties: { op: { const: 'move' } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable (ajv reads it)
    then: { required: ['from', 'to'] },
  };
  const change = strictObject(
    {
      kind: kindSchema(),
      name: text('Identity of the resource.'),
      action: { enum: ['create', 'update', 'replace', 'delete', 'manual'] },
      fields: arrayOf(ref('fieldChange')),
      reason: text('Why a replace, manual or delete happens.'),
      id: text('Server id of the live resource (not for create).'),
      liveVersion: text("The live resource's last-modified stamp when planned (a saved plan refuses when it moved)."),
      desired: { description: 'Normalized body apply sends (create / update / replace).', type: 'object' },
      sensitive: arrayOf(ref('sensitivePath'), "Where the resource's bodies hold sensitive values (never the values)."),
      mark: { description: "Finish an interrupted create: put connectform's marker on.", type: 'boolean' },
      renamedFrom: text('Identity before a rename (lifecycle.renamedFrom).'),
      lifecycle: lifecycleSchema(),
      attribution: strictObject(
        {
          at: { description: 'When the live resource last changed (ISO-8601).', type: 'string' },
          by: text('Who changed it (an ARN).'),
          unattributed: text(
            'The change cannot be attributed (every row is in a field whose change moves no stamp, such as tags): why. at/by then name an earlier edit.',
          ),
        },
        [],
        'Who last changed the live resource, as far as its API tells ({} when it does not).',
      ),
    },
    ['kind', 'name', 'action', 'fields'],
  );
  return {
    change,
    fieldChange,
    sensitivePath: strictObject(
      {
        path: arrayOf({ type: ['string', 'integer', 'null'] }, 'Body path; null stands for any list index.'),
        sources: arrayOf({ type: 'string' }),
      },
      ['path', 'sources'],
    ),
    resourceRef: strictObject({ kind: kindSchema(), name: { type: 'string' } }, ['kind', 'name']),
    blocker: strictObject(
      {
        rule: {
          description: 'threshold: apply refuses without --force; preventDestroy: always.',
          enum: ['preventDestroy', 'threshold'],
        },
        kind: kindSchema(),
        name: { type: 'string' },
        message: { type: 'string' },
      },
      ['rule', 'kind', 'message'],
    ),
  };
}

function applyDefinitions(): Record<string, JsonSchema> {
  const result = strictObject(
    {
      kind: kindSchema(),
      name: { type: 'string' },
      action: { enum: ['create', 'update', 'replace', 'delete', 'manual'] },
      status: { enum: ['ok', 'failed', 'restored', 'skipped', 'interrupted'] },
      message: text('What went wrong, or what was done to recover.'),
      lostBody: {
        description: 'A replace whose create and restore both failed: the old body, so nothing is lost.',
        type: 'object',
      },
    },
    ['kind', 'name', 'action', 'status'],
  );
  return {
    report: strictObject(
      {
        target: { type: 'string' },
        results: arrayOf(result),
        summary: strictObject(
          Object.fromEntries(['ok', 'failed', 'restored', 'skipped', 'interrupted'].map((k) => [k, count])),
          ['ok', 'failed', 'restored', 'skipped', 'interrupted'],
        ),
      },
      ['target', 'results', 'summary'],
      "One target's apply report.",
    ),
    targetStatus: strictObject(
      {
        target: { type: 'string' },
        status: { enum: ['applied', 'no changes', 'failed', 'refused', 'cancelled', 'interrupted', 'not started'] },
      },
      ['target', 'status'],
    ),
    targetError: strictObject({ target: { type: 'string' }, message: text('What went wrong, as stderr says it.') }, [
      'target',
      'message',
    ]),
  };
}

/** The document every `--format json` command prints. */
export function planOutputSchema(): JsonSchema {
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${PLAN_OUTPUT_SCHEMA_FILE}`,
    $comment: 'Generated by `npm run schemas` (src/config/plan-schemas.ts); do not edit. See docs/PLAN-FORMAT.md.',
    title: 'connectform JSON output',
    description:
      'What plan, drift, show and apply print with --format json: one document per run, the same shape for one target or many. apply adds targets and reports.',
    type: 'object',
    properties: {
      version: { const: DOCUMENT_PLAN_VERSION },
      direction: {
        description:
          "Which way every field row reads: apply's, before = live value, after = configured value (the way apply would change it), for drift too. drift's text and markdown show the same rows the other way round (configured → live, what changed outside connectform).",
        const: 'apply',
      },
      plans: arrayOf(ref('plan'), 'One plan per target that was planned, in the order chosen.'),
      errors: arrayOf(
        ref('targetError'),
        'Targets that failed (to plan, or in apply: refused or failed), each with its message.',
      ),
      targets: arrayOf(ref('targetStatus'), 'apply only: every chosen target and what happened to it.'),
      reports: arrayOf(ref('report'), 'apply only: a report per target whose changes were carried out.'),
    },
    required: ['version', 'direction', 'plans', 'errors'],
    dependencies: { targets: ['reports'], reports: ['targets'] },
    additionalProperties: false,
    definitions: {
      plan: strictObject(planProperties(), PLAN_REQUIRED, "One target's plan."),
      ...planDefinitions(),
      ...applyDefinitions(),
    },
  };
}

/** The file `plan --out` writes: one plan object plus the members that make it a saved plan. */
export function savedPlanSchema(): JsonSchema {
  return {
    $schema: SCHEMA_DRAFT,
    $id: `${SCHEMA_BASE_URL}${SAVED_PLAN_SCHEMA_FILE}`,
    $comment: 'Generated by `npm run schemas` (src/config/plan-schemas.ts); do not edit. See docs/PLAN-FORMAT.md.',
    title: 'connectform saved plan',
    description: 'The file plan --out writes and apply FILE / show FILE read: a single plan, not the output document.',
    ...strictObject(
      {
        format: {
          description: 'How apply and show recognise the file, whatever its name.',
          const: DOCUMENT_SAVED_PLAN_FORMAT,
        },
        ...planProperties(),
        configPaths: {
          ...arrayOf(
            { type: 'string' },
            'The config files/directories as passed to plan, relative to the working directory (apply reads them from there, or from --config).',
          ),
          minItems: 1,
        },
        kinds: { ...arrayOf(kindSchema(), 'Only when the plan was made with --kinds.'), uniqueItems: true },
        binding: strictObject(
          {
            region: text('AWS region (printable form).'),
            instanceId: text('Amazon Connect instance id (printable form).'),
            accountId: text('The account the credentials acted in (configured, or learned through STS).'),
            endpoint: text('The endpoint the clients used (AWS when none; sandbox:FILE for --sandbox).'),
            chatbotRegion: text('Region of the AWS Chatbot client.'),
            settings: text("sha256 of the target's settings."),
            configFiles: arrayOf(
              strictObject(
                {
                  path: text('The file, relative to the config path it was found through.'),
                  sha256: text("sha256 of the file's bytes."),
                },
                ['path', 'sha256'],
              ),
              'Every config file read.',
            ),
          },
          ['region', 'instanceId', 'accountId', 'endpoint', 'chatbotRegion', 'settings', 'configFiles'],
          'Where apply acts and what it read: apply refuses when any of it differs (not the identity).',
        ),
      },
      ['format', ...PLAN_REQUIRED, 'configPaths', 'binding'],
    ),
    definitions: planDefinitions(),
  };
}
