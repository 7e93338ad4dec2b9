/**
 * The one table of exit codes. Errors carry theirs (src/errors.ts); the commands set the others
 * (src/cli/plan.ts: changes, refused, interrupted); `main()` returns what results.
 *
 *   0 ok · 1 error (config, usage, AWS, refused safety rail, failed change) ·
 *   2 changes or drift (plan/drift with --detailed-exitcode) · 3 plan blocked by a safety rail
 *   (plan --detailed-exitcode) · 130 interrupted (Ctrl-C during apply)
 */
export const EXIT = {
  ok: 0,
  error: 1,
  changes: 2,
  refused: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
