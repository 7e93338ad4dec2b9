/**
 * Escaping for every place connectform prints text it does not own: resource names, keys, values
 * and file names come from pull requests, messages from AWS. One function per destination, so a
 * renderer says where the text goes and cannot pick the wrong rules:
 *
 * - terminal and CI logs: `escapeTerminal` (one line), `escapeTerminalLines` (a message that may
 *   span lines);
 * - GitHub workflow commands: `escapeWorkflowData`, `escapeWorkflowProperty`;
 * - markdown for pull-request comments: `escapeMarkdownInline` (text, also in table cells),
 *   `markdownCode` / `markdownCodeCell` (code spans), `escapeHtml` (inside raw HTML such as
 *   `<summary>`);
 * - the JSON document: `escapeJsonText` (lossless: only swaps characters for `\u` escapes).
 *
 * Our own styling (ANSI colours, markdown syntax) is added after escaping, so it still works.
 */
import { HIDDEN_CLASS } from '../util/hidden-characters.js';

// ---------------------------------------------------------------------------------------------
// What must never reach an output raw

/**
 * Characters a terminal, a log viewer or a browser acts on or hides rather than shows:
 * - C0 controls (ESC starts ANSI sequences that clear the screen or rewrite lines; CR returns to
 *   the start of the line to overwrite it; LF would end a one-line value), DEL, C1 controls
 *   (U+009B is an 8-bit CSI on some terminals, U+0085 a line break);
 * - bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9:
 *   "Trojan Source", text displayed in another order than it reads), and the deprecated format
 *   controls next to them (U+206A–F);
 * - U+2028/U+2029 line and paragraph separators (line breaks to JavaScript and some viewers);
 * - invisible characters that make two different names look the same or hide text: zero-width
 *   space U+200B, Mongolian vowel separator U+180E, word joiner and invisible operators
 *   U+2060–4, BOM U+FEFF, interlinear annotations U+FFF9–B, tag characters U+E0000–E007F
 *   (invisible ASCII look-alikes; this also shows the England/Scotland/Wales flag tags escaped);
 * - lone surrogates (not text; a terminal prints U+FFFD, JSON parsers may reject them).
 * Joiners U+200C/U+200D and variation selectors stay: emoji sequences and several scripts need
 * them, and they cannot reorder or hide text.
 */
// HIDDEN_CLASS (src/util/hidden-characters.ts) is this list, shared with the YAML writers.

/** Every hidden character (one-line values). With the `u` flag a surrogate range matches lone ones only. */
const HIDDEN = new RegExp(`[${HIDDEN_CLASS}]`, 'gu');
/** The same but keeping LF, for messages whose lines are meant as lines. */
const HIDDEN_BUT_LF = new RegExp(`(?!\\n)[${HIDDEN_CLASS}]`, 'gu');
/** In JSON text: C0 is already `\u`-escaped by JSON.stringify, and LF is the pretty-print's own. */
const HIDDEN_IN_JSON = new RegExp(`(?![\\u0000-\\u001f])[${HIDDEN_CLASS}]`, 'gu');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\x1b`, `\u202e`, `\u{e0041}`: visible, and the way JavaScript and most tools write them. */
function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/**
 * GitHub's runner reads workflow commands from a step's stdout AND stderr: `::name …::data` when
 * a line starts with it after leading white space, and the legacy `##[name …]data` anywhere in a
 * line. Source: actions/runner src/Runner.Common/ActionCommand.cs (TryParseV2 does
 * `message.TrimStart()` then `StartsWith("::")`; TryParse does `message.IndexOf("##[")`), and
 * src/Runner.Worker/Handlers/ScriptHandler.cs wires both OutputDataReceived and ErrorDataReceived
 * to the command processing. So a name like `##[error]x`, or a value printed at a line start
 * beginning with `::`, forges an annotation (or `stop-commands` hides the real ones) in CI.
 * Breaking the pattern with a visible escape (`#\x23[`, `\x3a:`) keeps the text readable.
 */
function neutralizeCommands(s: string, eachLine: boolean): string {
  return s.replace(/##\[/g, '#\\x23[').replace(eachLine ? /^(\s*):(?=:)/gm : /^(\s*):(?=:)/, '$1\\x3a');
}

// ---------------------------------------------------------------------------------------------
// Terminal and CI logs

/**
 * A value shown on one line of a terminal or CI log: hidden characters (controls including ESC,
 * CR and LF, bidi controls, invisible format characters) become visible escapes; accents, CJK,
 * emoji are left alone. Idempotent, so escaping twice is harmless.
 */
export function escapeTerminal(s: string): string {
  return neutralizeCommands(s.replace(HIDDEN, visible), false);
}

/**
 * A message that may span lines (an error's text, an annotation's message): like
 * `escapeTerminal`, but LF stays a line break; each line is guarded against workflow commands.
 * The CLI's top-level `Error: …` line should print `escapeTerminalLines(err.message)`.
 */
export function escapeTerminalLines(s: string): string {
  return neutralizeCommands(s.replace(HIDDEN_BUT_LF, visible), true);
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands (`::error file=…,line=…::message`)
//
// Exactly as GitHub's toolkit encodes them, so the runner decodes them back:
// https://github.com/actions/toolkit/blob/4b9afa4c890de9d1a84c75bb617ee4d96207823a/packages/core/src/command.ts#L103-L117
// (escapeData: % CR LF; escapeProperty: also : and ,). `%` first, or the other escapes would be
// re-encoded. These only encode; run the text through escapeTerminal(Lines) first so control and
// bidi characters do not reach the log either (githubAnnotation in src/config/annotations.ts).

/** The message part, after the second `::`. */
export function escapeWorkflowData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=…`): a `,` would start the next property, a `:` end the properties. */
export function escapeWorkflowProperty(s: string): string {
  return escapeWorkflowData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// ---------------------------------------------------------------------------------------------
// Markdown (GitHub-flavoured, for pull-request comments)

/**
 * Text in a markdown line: a paragraph, heading, list item, blockquote or table cell. Hidden
 * characters become visible escapes, so there is never a line break (no new block, no blank line
 * ending an HTML block, no new table row). Every ASCII character with inline meaning is
 * backslash-escaped (CommonMark lets any ASCII punctuation be escaped, and renders it plain):
 * HTML and autolinks (`<`), entities (`&`), emphasis, code, links and images, strikethrough,
 * math (`$`), table cells (`|`, which GFM honours even inside code spans). Block markers a value
 * could open if it started a line (`#`, `>` always; `-`, `+`, `=`, `1.`, `1)` at the start) too.
 */
export function escapeMarkdownInline(s: string): string {
  return escapeTerminal(s)
    .replace(/[\\`*_[\]<>#|~!$&]/g, '\\$&')
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/**
 * A code span outside a table. Code spans show their content literally (no escapes work inside),
 * so a backtick in the content needs a longer fence than its longest backtick run, and spaces
 * around it when it starts or ends with a backtick (CommonMark strips one space each side).
 */
export function markdownCode(s: string): string {
  return fence(escapeTerminal(s));
}

/**
 * A code span inside a table cell: as `markdownCode`, plus `|` → `\|`. GFM splits the row before
 * parsing code spans, and its cell scanner (cmark-gfm ext_scanners.re:
 * `table_cell = (escaped_char|[^|\r\n])+`) takes `\|` as part of the cell, then shows it as `|`.
 */
export function markdownCodeCell(s: string): string {
  return fence(escapeTerminal(s).replace(/\|/g, '\\|'));
}

function fence(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) && /[^ ]/.test(content) ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/**
 * Text inside raw HTML in markdown (`<summary>…</summary>`): a line starting with `<details>` is
 * an HTML block, so markdown is not parsed there and only HTML entities apply; hidden characters
 * become visible escapes, so no line break can end the block early.
 */
export function escapeHtml(s: string): string {
  return escapeTerminal(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * The JSON document as printed (JSON.stringify's output): the hidden characters JSON.stringify
 * leaves raw (DEL, C1, bidi, U+2028, …) become `\u` escapes and `##[` becomes `#\u0023[`.
 * Lossless: both are plain JSON string escapes, so a parser gets the very same data back, while
 * a terminal or GitHub's runner reading the document never sees them raw.
 */
export function escapeJsonText(json: string): string {
  return json.replace(HIDDEN_IN_JSON, jsonEscape).replace(/##\[/g, '#\\u0023[');
}

function jsonEscape(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
