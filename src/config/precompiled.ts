/**
 * Validators generated ahead of time (`npm run schemas` → validators/, ajv's standalone code),
 * so that a cold `validate` neither loads ajv's compiler (63 files) nor compiles the schemas it
 * needs: about 0.05 s of a one-rule validate's 0.2 s. A schema is looked up by the SHA-256 of
 * its JSON, so a precompiled validator is only ever used for exactly the schema it was generated
 * from; any other schema (a kind a test registers, a model changed without regenerating) gets
 * none, and validate.ts compiles it with ajv at runtime as before. test/config/validators.test.ts
 * keeps validators/ current and checks both paths give the same errors.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

/** validators/ at the package root, from src/config (vitest) or dist/config (node). */
export const VALIDATORS_DIR = new URL('../../validators/', import.meta.url);
export const VALIDATORS_INDEX = 'index.json';

/** What identifies a schema: its JSON, key order included (the generators' order is fixed). */
export function schemaFingerprint(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/** A file name the generator writes, nothing that could point elsewhere. */
const FILE_NAME = /^[A-Za-z][A-Za-z0-9-]*\.cjs$/;

let index: Record<string, string> | undefined;
const requireHere = createRequire(import.meta.url);

function readIndex(): Record<string, string> {
  if (!index) {
    try {
      index = requireHere(fileURLToPath(new URL(VALIDATORS_INDEX, VALIDATORS_DIR))) as Record<string, string>;
    } catch (err) {
      // No validators/ (a checkout before `npm run schemas`): every schema is compiled at runtime.
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      index = {};
    }
  }
  return index;
}

/** The validator generated for exactly this schema, if there is one. */
export function precompiledValidator(schema: object): ValidateFunction | undefined {
  const files = readIndex();
  const key = schemaFingerprint(schema);
  const file = Object.hasOwn(files, key) ? files[key] : undefined;
  if (file === undefined || !FILE_NAME.test(file)) return undefined;
  return requireHere(fileURLToPath(new URL(file, VALIDATORS_DIR))) as ValidateFunction;
}
