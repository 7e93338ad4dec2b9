/**
 * The one way connectform writes a file it may be killed in the middle of (the snapshot cache,
 * the journal of creates, saved plans, exported config): `write-file-atomic` writes a uniquely
 * named temp file, fsyncs it and renames it over the target, and removes the temp file on any
 * failure, so a reader sees the old file or the whole new one and no temp file is left behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { refuseLinks } from './no-links.js';

export interface WriteOptions {
  /** File mode for a new file (0o600: readable by its owner only). */
  mode?: number;
}

export function writeFileAtomically(file: string, text: string, options: WriteOptions = {}): void {
  // write-file-atomic writes through a link to its target: a committed link must not redirect us.
  refuseLinks(file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic.sync(file, text, { fsync: true, ...(options.mode !== undefined ? { mode: options.mode } : {}) });
}
