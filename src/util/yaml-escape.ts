/**
 * YAML that export and pull write is read by people (a pull request's diff, an editor) and by CI
 * logs (`cat`, `git diff`): a value from live state must not hide or reorder text there (a bidi
 * override), end a line early (a control character, U+2028), or become a GitHub workflow command
 * (`##[warning]`, `::error::` at a line's start). Such a scalar is written double-quoted with
 * those characters as YAML escapes (`"\u202E"`, `#\x23[`); every escape is YAML's own, so the
 * file reads back to the same value.
 */
import { type Document, visit, type Node } from 'yaml';
import { HIDDEN_CLASS } from './hidden-characters.js';

/** Hidden characters left raw in YAML text; LF and CR are the text's own line breaks. */
const HIDDEN_IN_YAML = new RegExp(`(?![\\n\\r])[${HIDDEN_CLASS}]`, 'gu');
const HIDDEN_ANY = new RegExp(`[${HIDDEN_CLASS}]`, 'u');
/** The runner's two forms of workflow command. */
const COMMAND = /##\[|(?:^|[\n\r\u2028\u2029])[ \t]*::/;

/** True when `text` must be written as an escaped double-quoted scalar. */
export function needsYamlEscapes(text: string): boolean {
  return (HIDDEN_ANY.test(text.replace(/[\n\t]/g, '')) || COMMAND.test(text)) && text.length > 0;
}

/** Every scalar (keys too) of `doc` that needs escapes is set to be written double-quoted; in place. */
export function quoteUnsafeScalars(doc: Document | Node): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && needsYamlEscapes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
}

/**
 * `yaml` in which every scalar holding a hidden character or `##[` is double-quoted (see
 * quoteUnsafeScalars): those are swapped for YAML escapes. Lossless; text without them is
 * returned as it is.
 */
export function escapeQuotedYaml(yaml: string): string {
  return yaml.replace(HIDDEN_IN_YAML, yamlEscape).replace(/##\[/g, '#\\x23[');
}

function yamlEscape(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  if (cp > 0xffff) return `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`;
  return `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `value` as YAML text with unsafe scalars double-quoted and escaped (export's and pull's writer). */
export function safeYamlText(doc: Document, options: Parameters<Document['toString']>[0]): string {
  quoteUnsafeScalars(doc);
  return escapeQuotedYaml(doc.toString(options));
}
