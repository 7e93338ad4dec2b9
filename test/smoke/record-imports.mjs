/**
 * `node --import ./record-imports.mjs ...`: registers a resolve hook that appends every module
 * specifier the process resolves (and who asked) to the file named by RECORD_IMPORTS_TO, one
 * `specifier<TAB>parent URL` line each. Used by fast-start.e2e.test.ts to see what a cold start loads.
 */
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      appendFileSync(process.env.RECORD_IMPORTS_TO, specifier + '\\t' + (context.parentURL ?? '') + '\\n');
      return next(specifier, context);
    }
  `)}`,
);
