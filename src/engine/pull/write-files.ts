/**
 * Writing a pull's files all or none. Every new text is first written whole beside its file, as
 * `.connectform-pull-<random>.tmp` (a name the config loader never reads: it takes *.yaml/*.yml),
 * then the temp files are renamed over their targets one by one. A rename that fails puts back
 * the files already renamed (their old text is known) and the error says which files were left
 * untouched. A file or directory that cannot be written, or a file that changed since pull read
 * it, is refused before anything is written. Temp files a killed run left are removed first.
 */
import * as nodeFs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { ConnectformError } from '../../errors.js';

/** The temp files pull writes; anything else in the directory is never touched. */
export const PULL_TEMP_FILE = /^\.connectform-pull-[0-9a-f]{16}\.tmp$/;

export interface FileToWrite {
  file: string;
  /** The text pull read (empty for a new file). */
  before: string;
  after: string;
}

/** The file system calls used (tests pass one that fails where they want). */
export interface WriteFs {
  readFileSync(file: string, enc: 'utf8'): string;
  writeFileSync(file: string, text: string, opts: { mode?: number; flag: string }): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  statSync(file: string): { mode: number };
  accessSync(file: string, mode: number): void;
  existsSync(file: string): boolean;
  readdirSync(dir: string): string[];
  mkdirSync(dir: string, opts: { recursive: true }): unknown;
  openSync(file: string, flags: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

/** Nothing or not everything was written: the message says which files are as they were. */
export class PullWriteError extends ConnectformError {
  override name = 'PullWriteError';
}

/** Temp files of killed pulls in these directories, removed (never read). Returns their paths. */
export function removeStaleTempFiles(dirs: Iterable<string>, fs: WriteFs = nodeFs as unknown as WriteFs): string[] {
  const removed: string[] = [];
  for (const dir of new Set([...dirs].map((d) => resolve(d)))) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => PULL_TEMP_FILE.test(n))) {
      try {
        fs.unlinkSync(join(dir, name));
        removed.push(join(dir, name));
      } catch {
        // Not ours to insist on: it is never read as config either way.
      }
    }
  }
  return removed;
}

/** Every file written, or none (see the module comment). */
export function writeAllOrNothing(files: readonly FileToWrite[], fs: WriteFs = nodeFs as unknown as WriteFs): void {
  refuseUnwritable(files, fs);
  const temps: { file: string; temp: string; mode?: number; existed: boolean; before: string }[] = [];
  const cleanup = () => {
    for (const t of temps)
      try {
        fs.unlinkSync(t.temp);
      } catch {
        // already renamed or never made
      }
  };
  try {
    for (const f of files) {
      const existed = fs.existsSync(f.file);
      const mode = existed ? fs.statSync(f.file).mode & 0o7777 : undefined;
      if (!existed) fs.mkdirSync(dirname(f.file), { recursive: true });
      const temp = join(dirname(f.file), `.connectform-pull-${randomBytes(8).toString('hex')}.tmp`);
      temps.push({ file: f.file, temp, ...(mode === undefined ? {} : { mode }), existed, before: f.before });
      writeSynced(fs, temp, f.after, mode);
    }
  } catch (e) {
    cleanup();
    throw new PullWriteError(`${describe(e)}; nothing was written (every file is as it was)`);
  }
  const renamed: typeof temps = [];
  for (const t of temps) {
    try {
      fs.renameSync(t.temp, t.file);
      renamed.push(t);
    } catch (e) {
      const notRestored = rollBack(renamed, fs);
      cleanup();
      const untouched = temps.filter((x) => !renamed.includes(x)).map((x) => x.file);
      throw new PullWriteError(
        `writing ${t.file} failed (${describe(e)}); ${
          notRestored.length
            ? `could not put back ${notRestored.join(', ')} (restore them from version control)`
            : renamed.length
              ? `put back ${renamed.map((x) => x.file).join(', ')}`
              : 'no file was changed'
        }; untouched: ${untouched.join(', ')}`,
      );
    }
  }
}

/** A read-only file, a directory pull cannot create files in, or a file changed since it was read. */
function refuseUnwritable(files: readonly FileToWrite[], fs: WriteFs): void {
  const refused: string[] = [];
  for (const f of files) {
    if (fs.existsSync(f.file)) {
      const mode = fs.statSync(f.file).mode;
      // 0444 is refused even where the process could write it (root): its owner said read-only.
      if ((mode & 0o222) === 0)
        refused.push(`${f.file} is read-only (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`);
      else if (!accessible(fs, f.file, nodeFs.constants.W_OK)) refused.push(`${f.file} is not writable`);
      else if (fs.readFileSync(f.file, 'utf8') !== f.before)
        refused.push(`${f.file} changed while pull read the live state; run pull again`);
    }
    const dir = existingDir(fs, dirname(f.file));
    if (!accessible(fs, dir, nodeFs.constants.W_OK | nodeFs.constants.X_OK))
      refused.push(`${dir} (the directory of ${basename(f.file)}) is not writable`);
  }
  if (refused.length)
    throw new PullWriteError(`cannot write: ${[...new Set(refused)].join('; ')}; nothing was written`);
}

function existingDir(fs: WriteFs, dir: string): string {
  let d = resolve(dir);
  while (!fs.existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

function accessible(fs: WriteFs, path: string, mode: number): boolean {
  try {
    fs.accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function writeSynced(fs: WriteFs, file: string, text: string, mode: number | undefined): void {
  fs.writeFileSync(file, text, { ...(mode === undefined ? {} : { mode }), flag: 'wx' });
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The renamed files given their old text again (a new file removed). Returns those that failed. */
function rollBack(
  renamed: { file: string; temp: string; mode?: number; existed: boolean; before: string }[],
  fs: WriteFs,
): string[] {
  const failed: string[] = [];
  for (const t of [...renamed].reverse()) {
    try {
      if (!t.existed) fs.unlinkSync(t.file);
      else {
        const temp = join(dirname(t.file), `.connectform-pull-${randomBytes(8).toString('hex')}.tmp`);
        writeSynced(fs, temp, t.before, t.mode);
        fs.renameSync(temp, t.file);
      }
    } catch {
      failed.push(t.file);
    }
  }
  return failed;
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code && err.path) return `${err.code} on ${err.path}`;
  return err instanceof Error ? err.message : String(e);
}
