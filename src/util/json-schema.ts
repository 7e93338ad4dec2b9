/**
 * Checks a document read back from disk (the journal, the snapshot cache) against its JSON
 * Schema, so a damaged or foreign file is named in one line instead of surfacing later as a
 * TypeError. config/validate.ts keeps its own ajv for config files (every error, positioned in
 * the YAML); a state file needs only the first problem, said in one line.
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';

/** Created on first use: ajv is a large CommonJS package most commands never need here. */
let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    if (!ajv) {
      const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
      ajv = new AjvClass({ allErrors: false, code: { optimize: false } });
    }
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Why `doc` does not match `schema`, in one line (`at /creates/a: must have property 'nonce'`); none when it does. */
export function schemaProblem(schema: object, doc: unknown): string | undefined {
  const validate = validatorFor(schema);
  if (validate(doc)) return undefined;
  const [first] = validate.errors ?? [];
  if (!first) return 'does not match its schema';
  // The path is the file's own keys: escaped (one line) and bounded.
  const path = JSON.stringify(first.instancePath).slice(1, -1);
  const at = path ? `at ${path.length > 120 ? `${path.slice(0, 117)}...` : path}` : 'at the top level';
  return `${at}: ${first.message ?? 'invalid'}`;
}
