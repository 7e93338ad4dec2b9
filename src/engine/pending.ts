/**
 * Creates in flight, for kinds whose marker tag follows the create in a second call (a task
 * template: CreateTaskTemplate takes no tags). Apply records the create before making it, and
 * clears it once the marker is on; a process killed in between leaves the record, and the next
 * plan finishes the job (an explicit "mark" update) instead of leaving a resource connectform
 * created unmanaged for good. Written synchronously and atomically: it must survive SIGKILL.
 */
import { writeFileAtomically } from '../util/write-file.js';
import { readFileSync } from 'node:fs';
import type { KindName } from '../kinds/types.js';
import { liveKey } from './planner.js';

export class PendingCreates {
  private readonly keys: Set<string>;

  constructor(private readonly file?: string) {
    this.keys = new Set(file ? read(file) : []);
  }

  has(kind: KindName, name: string): boolean {
    return this.keys.has(liveKey(kind, name));
  }

  add(kind: KindName, name: string): void {
    this.keys.add(liveKey(kind, name));
    this.save();
  }

  remove(kind: KindName, name: string): void {
    if (this.keys.delete(liveKey(kind, name))) this.save();
  }

  private save(): void {
    if (!this.file) return;
    writeFileAtomically(this.file, JSON.stringify([...this.keys].sort()));
  }
}

function read(file: string): string[] {
  try {
    const keys = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return []; // none yet
  }
}
