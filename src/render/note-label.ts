/**
 * A plan note as a line: `Note: …`, or `Warning: …` for a note that is a warning (it starts
 * `warning: `), so a line never says both.
 */
export function noteLine(note: string, esc: (text: string) => string): string {
  const warning = /^warning: /.exec(note);
  return warning ? `Warning: ${esc(note.slice(warning[0].length))}` : `Note: ${esc(note)}`;
}
