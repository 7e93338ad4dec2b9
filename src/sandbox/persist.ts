/**
 * The sandbox's state file (`--state`): loading it, writing it durably, and the group-commit
 * saver that lets the server answer a write only once a save including it is on disk.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { RuleFunctionProblem, checkRuleFunction } from './rules-function.js';
import { SeedError, type World } from './world.js';

/**
 * The state file's format: a change that old files would be misread under bumps it (one line).
 * Version 2: a rule's Function is checked against the Rules Function language (issue 19).
 * Version 1 files may hold Functions of the old free-form kind, which no API call could create
 * now: they load only when every rule's Function is valid, and are saved as version 2.
 */
const STATE_FORMAT = 'connectform-sandbox-state/2';
const STATE_FORMAT_V1 = 'connectform-sandbox-state/1';

// The sandbox may not import the client's code (layer rules), so it checks its own file here.
const record = (required: string[], properties: Record<string, object> = {}) => ({
  type: 'object',
  required,
  properties: Object.fromEntries([...required.map((k) => [k, {}]), ...Object.entries(properties)]),
});
const tags = { type: 'object', additionalProperties: { type: 'string' } };
const byId = (item: object) => ({ type: 'object', additionalProperties: item });

/** The World (world.ts) down to the fields the handlers index and iterate. */
const STATE_SCHEMA = {
  type: 'object',
  required: ['format', 'world'],
  properties: {
    format: { enum: [STATE_FORMAT, STATE_FORMAT_V1] },
    world: record(['accountId', 'connect', 'chatbot', 'lex', 'idempotency'], {
      accountId: { type: 'string' },
      connect: record(['instances'], {
        instances: byId(
          record(['Id', 'Tags', 'contactFlows', 'rules', 'taskTemplates'], {
            Id: { type: 'string' },
            Tags: tags,
            contactFlows: byId(record(['Id', 'Name', 'Tags'], { Tags: tags })),
            rules: byId(
              record(['RuleId', 'RuleArn', 'Name', 'Actions', 'Tags'], { Actions: { type: 'array' }, Tags: tags }),
            ),
            taskTemplates: byId(
              record(['Id', 'Arn', 'Name', 'Fields', 'Tags'], { Fields: { type: 'array' }, Tags: tags }),
            ),
          }),
        ),
      }),
      chatbot: record(['chatConfigurations', 'customActions'], {
        chatConfigurations: byId(
          record(['Arn', 'Tags', 'associations'], {
            Tags: tags,
            associations: { type: 'array', items: { type: 'string' } },
          }),
        ),
        customActions: byId(
          record(['CustomActionArn', 'ActionName', 'Definition', 'Tags'], {
            Definition: { type: 'object' },
            Tags: tags,
          }),
        ),
      }),
      lex: record(['bots'], {
        bots: byId(
          record(['name', 'status', 'version', 'aliases', 'channelAssociations'], {
            aliases: byId(record(['name', 'botVersion'])),
            channelAssociations: { type: 'array', items: record(['name', 'botAlias', 'type', 'botConfiguration']) },
          }),
        ),
      }),
      idempotency: byId(record(['fingerprint'], { fingerprint: { type: 'string' } })),
    }),
  },
};

let validateState: ValidateFunction | undefined;

/** Why `doc` is not a state file this sandbox can load, in one line; none when it is. */
function stateProblem(doc: unknown): string | undefined {
  const format = doc !== null && typeof doc === 'object' ? (doc as { format?: unknown }).format : undefined;
  if (format !== STATE_FORMAT && format !== STATE_FORMAT_V1)
    return typeof format === 'string' && format.startsWith('connectform-sandbox-state/')
      ? `written by another version of the sandbox (${JSON.stringify(format).slice(0, 60)}; this one reads ${STATE_FORMAT})`
      : `not a sandbox state file (${STATE_FORMAT})`;
  if (!validateState) {
    // Loaded only when there is a state file to check: ajv is a large CommonJS package.
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    validateState = new Ajv({ allErrors: false, strict: false }).compile(STATE_SCHEMA);
  }
  if (validateState(doc)) return undefined;
  const [first] = validateState.errors ?? [];
  const path = JSON.stringify(first?.instancePath ?? '')
    .slice(1, -1)
    .slice(0, 120);
  return `damaged: ${path ? `at ${path}: ` : ''}${first?.message ?? 'does not match the state format'}`;
}

export async function loadState(path: string): Promise<World | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const problem = doc === undefined ? 'damaged: not JSON' : stateProblem(doc);
  if (problem)
    throw new SeedError(
      `${path}: ${problem}; the sandbox will not start on it: move it aside (or delete it) to start from the seed`,
    );
  const state = doc as { format: string; world: World };
  return state.format === STATE_FORMAT_V1 ? migrateV1(path, state.world) : state.world;
}

/** Version 1 → 2: nothing changes in the data; every stored Function must be a valid one. */
function migrateV1(path: string, world: World): World {
  for (const inst of Object.values(world.connect?.instances ?? {})) {
    for (const rule of Object.values(inst.rules ?? {})) {
      try {
        checkRuleFunction(rule.Function, rule.TriggerEventSource.EventSourceName as string);
      } catch (err) {
        if (!(err instanceof RuleFunctionProblem)) throw err;
        throw new SeedError(
          `${path} is an older sandbox state file (${STATE_FORMAT_V1}) whose rule ${JSON.stringify(rule.Name)} (${rule.RuleId}, instance ${inst.Id}) has a Function outside the Rules Function language (${err.message}); delete the file to start from the seed, or fix that rule's Function in it`,
        );
      }
    }
  }
  return world;
}

export const serializeState = (world: World) => `${JSON.stringify({ format: STATE_FORMAT, world }, null, 2)}\n`;

// ------------------------------------------------------------------------------------------
// Durable, atomic writes
// ------------------------------------------------------------------------------------------

/**
 * `STATE.PID.HEX.tmp` next to the state file: same directory so the rename is atomic (same file
 * system); the pid tells start-up whether its writer may still be alive. The older naming
 * (`STATE.PID.MILLIS.tmp`) matches too, so leftovers from before this change are cleaned.
 */
function tempNamePattern(statePath: string): RegExp {
  const base = basename(statePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${base}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

const tempPathFor = (statePath: string) =>
  join(dirname(statePath), `${basename(statePath)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);

/**
 * Readers (another CLI run) see the old file or the new one, never half of one, and once this
 * resolves the new content survives a crash of the process or the machine: the data is fsynced
 * before the rename, and the directory after it (where the platform lets a directory be opened).
 * The temp file is removed when anything fails.
 */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** Makes a rename in `dir` durable. Windows cannot open a directory: best effort there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw err;
  } finally {
    await handle?.close();
  }
}

export async function saveState(path: string, world: World): Promise<void> {
  await writeFileDurably(path, serializeState(world));
}

/**
 * Removes temp files a killed sandbox left next to `statePath`: only names of our own pattern,
 * and not those whose writer is still running (two processes on one state file is unsupported,
 * but deleting a live writer's temp file would turn its save into an error).
 */
export async function removeStaleTempFiles(statePath: string): Promise<string[]> {
  const pattern = tempNamePattern(statePath);
  const dir = dirname(statePath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || isOtherLiveProcess(Number(m[1]))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false; // this process has not saved anything yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

// ------------------------------------------------------------------------------------------
// Group commit
// ------------------------------------------------------------------------------------------

interface Waiter {
  generation: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: every change gets a generation number, and `markDirty()` resolves once a save
 * that started after that change (so includes it) is durable. At most one save runs at a time;
 * all the changes made while it runs are covered by the next one, so N concurrent writes cost
 * about two saves, not N. A failed save rejects the writes it covered (they are not
 * acknowledged); the next change tries again with the whole world.
 */
export class StateSaver {
  private generation = 0;
  private savedGeneration = 0;
  private running: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  /** Completed save attempts (tests count them). */
  saves = 0;
  lastError: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly world: () => World,
    private readonly write: (path: string, text: string) => Promise<void> = writeFileDurably,
  ) {}

  /** The world changed: resolves once the state file holds this change. */
  markDirty(): Promise<void> {
    this.generation++;
    return this.untilSaved();
  }

  /** Resolves once the state file holds the world as it is now (at once when it already does). */
  untilSaved(): Promise<void> {
    const generation = this.generation;
    if (generation <= this.savedGeneration) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ generation, resolve, reject }));
    this.running ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    try {
      while (this.savedGeneration < this.generation && this.waiters.length) {
        // Serialized synchronously: the snapshot is exactly the world at `covered`.
        const covered = this.generation;
        const text = serializeState(this.world());
        let failure: Error | undefined;
        try {
          await this.write(this.path, text);
          this.savedGeneration = covered;
          this.lastError = undefined;
        } catch (err) {
          failure = this.lastError = err as Error;
        }
        this.saves++;
        const settled = this.waiters.filter((w) => w.generation <= covered);
        this.waiters = this.waiters.filter((w) => w.generation > covered);
        for (const w of settled) failure ? w.reject(failure) : w.resolve();
      }
    } finally {
      this.running = undefined;
    }
  }

  /** Waits for the running save and saves what is still unsaved; throws the last save error. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.savedGeneration < this.generation) await this.untilSaved();
    if (this.lastError) throw this.lastError;
  }
}
