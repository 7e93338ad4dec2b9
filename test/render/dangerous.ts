/**
 * What must never reach an output raw, written with Unicode properties rather than copied from
 * src/render/escape.ts, and the structural checks the hostile-output tests share.
 */

/** Controls, bidi controls, line/paragraph separators, and the invisible format characters we hide. */
export const DANGEROUS =
  /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;

/** Lines of a multi-line output, each checked on its own (the line breaks are the output's own). */
export function rawDangerous(output: string): string[] {
  return output.split('\n').filter((line) => DANGEROUS.test(line));
}

/**
 * Lines GitHub's runner would take as a workflow command: `::` after leading white space
 * (TryParseV2 trims then StartsWith), or `##[` anywhere (the legacy TryParse uses IndexOf).
 */
export function commandLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trimStart().startsWith('::') || line.includes('##['));
}

/**
 * Cells of a markdown table row. A pipe right after a backslash never splits the row: cmark-gfm's
 * `table_cell = (escaped_char|[^|\r\n])+` takes the longest match, so even `\\|` keeps the pipe.
 */
export function cellCount(row: string): number {
  return row.split(/(?<!\\)\|/).length - 2;
}

/** Tag names of raw HTML in markdown: a `<` after an even number of backslashes, outside code spans. */
export function htmlTags(markdown: string): string[] {
  const outsideCode = markdown.replace(/(?<!`)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '');
  return [...outsideCode.matchAll(/(?<=(?:^|[^\\])(?:\\\\)*)<\/?([A-Za-z][A-Za-z0-9-]*)/gm)].map((m) =>
    m[1].toLowerCase(),
  );
}
