/**
 * The CLI's only view of the process: output streams, stdin, environment and an exit-code slot.
 * `main(argv, io)` takes one, so tests run the real program in-process with captured streams
 * and a made-up environment, and nothing below the CLI reads `process.*` for these.
 */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  /** Ctrl-C / SIGTERM during apply (main.ts wires the real signals; tests abort it themselves). */
  interrupt?: Interrupt;
}

/** Aborted on the first signal; `applying` tells the signal handler whether changes are under way. */
export interface Interrupt {
  signal: AbortSignal;
  applying: boolean;
}

/** The real process. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** What one run of the program shares between its commands: the io and the exit code. */
export interface CliRun {
  io: CliIO;
  /** Set by a command that succeeds with something to say (2: changes / drift). */
  exitCode: number;
  /** `--no-color` was given: never colour, whatever the terminal and environment say. */
  noColor?: boolean;
}
