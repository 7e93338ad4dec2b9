/**
 * Documented rule Functions for tests, in the forms a config may write them: one YAML line
 * holding the mapping (JSON is YAML's flow style) or the string of its JSON (single-quoted).
 */
import { exampleFunction, exampleFunctionJson } from '../../src/kinds/rule-function/examples.js';

export { exampleFunction, exampleFunctionJson };

/** `{"Version":…}`: the mapping form, on one YAML line. */
export const fnMapping = (source = 'OnPostCallAnalysisAvailable', n = 0): string => exampleFunctionJson(source, n);

/** `'{"Version":…}'`: the string form, on one YAML line. */
export const fnString = (source = 'OnPostCallAnalysisAvailable', n = 0): string =>
  `'${exampleFunctionJson(source, n)}'`;
