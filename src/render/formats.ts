/**
 * The output formats, apart from the renderers: command-line options list them when commands
 * are registered, and registering loads no renderer (a cold `validate` or `--help` needs none).
 */
export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
