/**
 * The sandbox's state file (`--state`): loading it, writing it durably, and the group-commit
 * saver that lets the server answer a write only once a save including it is on disk.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SeedError, type World } from './world.js';

const STATE_FORMAT = 'connectform-sandbox-state/1';

export async function loadState(path: string): Promise<World | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // JSON.parse's message quotes the text: the file may not be ours, so say only what it is not.
  let doc: { format?: string; world?: World } | null;
  try {
    doc = JSON.parse(text) as { format?: string; world?: World } | null;
  } catch {
    doc = null;
  }
  if (doc?.format !== STATE_FORMAT || !doc.world)
    throw new SeedError(`${path} is not a sandbox state file (${STATE_FORMAT})`);
  return doc.world;
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
  let handle;
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
