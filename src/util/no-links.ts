/**
 * State never follows a link out of the repository. A pull request can commit a symbolic link
 * (`.connectform -> /elsewhere`, `.connectform/sandbox-state.json -> ~/.aws/credentials`) so that
 * a CI run reads or writes through it: writes land outside the checkout, and a read error could
 * quote another file's first bytes. So every path from the working directory (the repository)
 * down to a file connectform reads or writes for itself is checked with lstat, and a link
 * anywhere on it is refused with one line naming it. Nothing is read through it.
 */
import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Throws when `path`, or any directory between the working directory and it, is a symbolic
 * link. Components that do not exist yet end the walk (they will be created as directories).
 * A path outside the working directory (given on the trusted command line) has its own file
 * and parent directory checked.
 */
export function refuseLinks(path: string, root: string = process.cwd()): void {
  const target = resolve(path);
  const rel = relative(root, target);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const components: string[] = [];
  if (inside) {
    let at = root;
    for (const part of rel.split(sep)) {
      at = resolve(at, part);
      components.push(at);
    }
  } else components.push(dirname(target), target);
  for (const at of components) {
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      return; // not there yet: nothing below it exists either
    }
    if (isLink) {
      const shown = inside ? relative(root, at) : at;
      throw new UsageError(
        `${shown} is a symbolic link; connectform does not follow links for its state or the files it writes: remove the link (or pass a real directory)`,
      );
    }
  }
}
