/**
 * Characters a reader cannot see or that change how the text around them is shown: C0/C1
 * controls and DEL, bidi marks, overrides and isolates, line/paragraph separators, zero-width
 * and invisible format characters, BOM, tag characters, lone surrogates (the list and its reasons
 * are in src/render/escape.ts). One class for every destination that escapes them: the
 * terminal, JSON, and the YAML files export and pull write.
 */
export const HIDDEN_CLASS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u180e\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}\\ud800-\\udfff';
