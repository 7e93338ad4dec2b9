/**
 * pull's files are written all or none (issue 22, item 2): a rename that fails puts back what was
 * already renamed and says which files were untouched; an unwritable directory is refused before
 * anything is written. The file system is the real one, with one call made to fail where a test
 * wants (a directory root cannot be denied by mode in CI, which may run as root).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  PULL_TEMP_FILE,
  removeStaleTempFiles,
  writeAllOrNothing,
  type WriteFs,
} from '../../src/engine/pull/write-files.js';
import { tempDir } from '../helpers/cli.js';

const realFs = fs as unknown as WriteFs;

function setUp(): { dir: string; a: string; b: string; c: string } {
  const dir = tempDir('pull-write-');
  const [a, b, c] = ['a.yaml', 'b.yaml', 'c.yaml'].map((n) => join(dir, n));
  for (const f of [a, b, c]) fs.writeFileSync(f, `old ${f}\n`);
  return { dir, a, b, c };
}

const files = (...paths: string[]) => paths.map((file) => ({ file, before: `old ${file}\n`, after: `new ${file}\n` }));
const temps = (dir: string) => fs.readdirSync(dir).filter((n) => PULL_TEMP_FILE.test(n));

describe('writeAllOrNothing', () => {
  it('writes every file through a temp file beside it, and leaves no temp file', () => {
    const { dir, a, b } = setUp();
    writeAllOrNothing(files(a, b));
    expect(fs.readFileSync(a, 'utf8')).toBe(`new ${a}\n`);
    expect(fs.readFileSync(b, 'utf8')).toBe(`new ${b}\n`);
    expect(temps(dir)).toEqual([]);
  });

  it('a failed rename puts back the files already renamed and names the untouched ones', () => {
    const { dir, a, b, c } = setUp();
    let renames = 0;
    const failing: WriteFs = {
      ...realFs,
      renameSync(from, to) {
        // the first two renames succeed, the third (c.yaml) fails
        if (++renames === 3) throw Object.assign(new Error('EIO'), { code: 'EIO', path: to });
        fs.renameSync(from, to);
      },
    };
    expect(() => writeAllOrNothing(files(a, b, c), failing)).toThrow(
      `writing ${c} failed (EIO on ${c}); put back ${a}, ${b}; untouched: ${c}`,
    );
    for (const f of [a, b, c]) expect(fs.readFileSync(f, 'utf8')).toBe(`old ${f}\n`);
    expect(temps(dir)).toEqual([]);
  });

  it('a directory it cannot write in is refused up front, with its name; nothing is written', () => {
    const { dir, a } = setUp();
    const other = join(tempDir('pull-write-ro-'), 'x.yaml');
    fs.writeFileSync(other, `old ${other}\n`);
    const denying: WriteFs = {
      ...realFs,
      accessSync(path, mode) {
        if (path === join(other, '..')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        fs.accessSync(path, mode);
      },
    };
    expect(() => writeAllOrNothing(files(a, other), denying)).toThrow(
      `cannot write: ${join(other, '..')} (the directory of x.yaml) is not writable; nothing was written`,
    );
    expect(fs.readFileSync(a, 'utf8')).toBe(`old ${a}\n`);
    expect(temps(dir)).toEqual([]);
  });

  it('a file changed since pull read it is refused', () => {
    const { a } = setUp();
    fs.writeFileSync(a, 'edited meanwhile\n');
    expect(() => writeAllOrNothing(files(a))).toThrow(`${a} changed while pull read the live state; run pull again`);
    expect(fs.readFileSync(a, 'utf8')).toBe('edited meanwhile\n');
  });

  it('removeStaleTempFiles removes only pull temp files', () => {
    const { dir } = setUp();
    fs.writeFileSync(join(dir, '.connectform-pull-00112233aabbccdd.tmp'), 'left by a killed run');
    fs.writeFileSync(join(dir, '.connectform-pull-notours.tmp'), 'kept');
    expect(removeStaleTempFiles([dir])).toEqual([join(dir, '.connectform-pull-00112233aabbccdd.tmp')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['.connectform-pull-notours.tmp', 'a.yaml', 'b.yaml', 'c.yaml']);
  });
});
