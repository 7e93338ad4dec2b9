/**
 * globalSetup of the e2e project: spawned tests run `bin/connectform.js`, i.e. the compiled
 * `dist/`. After a `src/` edit a bare `npx vitest` would test stale code, so compile first when
 * any `src/**.ts` is newer than its `dist/**.js` (or has none). `npm test` compiles before the
 * tests, so there the check finds nothing to do and costs a directory walk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cli.js';

/** `src/` files whose compiled `dist/` file is missing or older. */
export function staleSources(root = ROOT): string[] {
  const src = join(root, 'src');
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = join(root, 'dist', relative(src, path)).replace(/\.ts$/, '.js');
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) stale.push(relative(root, path));
      }
    }
  };
  walk(src);
  return stale;
}

export default function setup(): void {
  const stale = staleSources();
  if (!stale.length) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  console.log(
    `e2e: dist/ is older than ${stale.length} src file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}); compiling`,
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    throw new Error(
      'e2e: `tsc -p tsconfig.json` failed; the spawned CLI would run stale code. Fix the type errors above, then re-run.',
    );
  }
}
