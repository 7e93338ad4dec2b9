/**
 * Progress for long plans and applies: a spinner with counts on a TTY (ora), plain lines
 * otherwise (CI logs, cron mail). Always on stderr, so stdout stays the plan/report.
 */
import type { Ora } from 'ora';
import { escapeTerminal } from '../render/escape.js';
import type { OutStream } from './io.js';

export interface Progress {
  /** A new phase: "Reading live state", "Applying 12 changes"; `total` when the count is known. */
  phase(text: string, total?: number): void;
  /**
   * Something finished inside the phase. `logged` steps (a change applied) also get a line in
   * plain logs; the others (each resource read) only move the counts.
   */
  step(text: string, logged?: boolean): void;
  stop(): void;
}

/** Time for progress: injected in tests, so no test waits on the wall clock. */
export interface ProgressClock {
  now(): number;
  /** Call `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const SYSTEM_CLOCK: ProgressClock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref(); // progress never keeps the process alive
    return () => clearInterval(t);
  },
};

/** Off a terminal a long phase still says it is alive at least this often (a CI log that looks stuck gets cancelled). */
export const HEARTBEAT_MS = 30_000;
/** The spinner's own line is refreshed this often so the elapsed time moves. */
const SPINNER_TICK_MS = 1_000;

type OraFactory = typeof import('ora').default;
/** The spinner library, loaded by openProgress when a terminal will show it (not at start-up). */
let spinnerFactory: OraFactory | undefined;

/** The spinner redraws in place: only on a real terminal stream, never in CI logs. */
function spinnerTerminal(stream: OutStream, env: NodeJS.ProcessEnv): NodeJS.WriteStream | undefined {
  const terminal = stream.underlying ?? stream;
  return terminal.isTTY && !env.CI && 'columns' in terminal ? (terminal as NodeJS.WriteStream) : undefined;
}

/** createProgress, after loading the spinner library if this stream will show a spinner. */
export async function openProgress(
  stream: OutStream,
  enabled: boolean,
  env: NodeJS.ProcessEnv,
  clock: ProgressClock = SYSTEM_CLOCK,
): Promise<Progress> {
  if (enabled && spinnerTerminal(stream, env)) spinnerFactory ??= (await import('ora')).default;
  return createProgress(stream, enabled, env, clock);
}

/** Progress on `stream`: a spinner on a terminal once openProgress has loaded it, plain lines otherwise. */
export function createProgress(
  stream: OutStream,
  enabled: boolean,
  env: NodeJS.ProcessEnv,
  clock: ProgressClock = SYSTEM_CLOCK,
): Progress {
  if (!enabled) return { phase() {}, step() {}, stop() {} };
  const terminal = spinnerTerminal(stream, env);
  if (terminal && spinnerFactory)
    return cleaned(new SpinnerProgress(spinnerFactory({ stream: terminal, discardStdin: false }), clock), stream.scrub);
  return cleaned(new LineProgress(stream, clock), stream.scrub);
}

/**
 * Progress texts carry resource and target names from the config: sensitive values scrubbed
 * (the spinner writes past the scrubbing stream) and escaped for the terminal/CI log.
 */
function cleaned(inner: Progress, scrub: (text: string) => string = (t) => t): Progress {
  return {
    phase: (text, total) => inner.phase(escapeTerminal(scrub(text)), total),
    step: (text, logged) => inner.step(escapeTerminal(scrub(text)), logged),
    stop: () => inner.stop(),
  };
}

/** `8s`, `1m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** What a phase has done so far: `120/1000 · 1m05s` (the total only when known). */
class PhaseCount {
  title = '';
  count = 0;
  total: number | undefined;
  /** The step text the phase's status line repeats (the last step, or a read's running totals). */
  detail = '';
  private started = 0;

  constructor(private readonly clock: ProgressClock) {}

  start(title: string, total: number | undefined): void {
    this.title = title;
    this.count = 0;
    this.total = total;
    this.detail = '';
    this.started = this.clock.now();
  }

  toString(): string {
    return `${this.count}${this.total !== undefined ? `/${this.total}` : ''} · ${formatElapsed(this.clock.now() - this.started)}`;
  }

  /** `title: 120/1000 · 1m05s · detail`: the status line both progress forms print. */
  status(): string {
    return `${this.title}: ${this}${this.detail ? ` · ${this.detail}` : ''}`;
  }
}

/** What SpinnerProgress uses of an ora spinner (a test passes its own). */
export type Spinner = Pick<Ora, 'start' | 'succeed' | 'text'>;

/** TTY: one line redrawn in place, `title: 120/1000 · 1m05s · last step`, the time moving each second. */
export class SpinnerProgress implements Progress {
  private readonly phaseCount: PhaseCount;
  private stopTicking = () => {};

  constructor(
    private readonly spinner: Spinner,
    private readonly clock: ProgressClock,
  ) {
    this.phaseCount = new PhaseCount(clock);
  }

  phase(text: string, total?: number): void {
    this.stop();
    this.phaseCount.start(text, total);
    this.spinner.start(this.phaseCount.status());
    this.stopTicking = this.clock.every(SPINNER_TICK_MS, () => (this.spinner.text = this.phaseCount.status()));
  }

  step(text: string): void {
    this.phaseCount.count++;
    this.phaseCount.detail = text;
    this.spinner.text = this.phaseCount.status();
  }

  stop(): void {
    this.stopTicking();
    this.stopTicking = () => {};
    if (this.phaseCount.title) this.spinner.succeed(`${this.phaseCount.title} (${this.phaseCount})`);
    this.phaseCount.title = '';
  }
}

/** Non-TTY: a line per phase and per logged step, and a heartbeat line during long phases. */
class LineProgress implements Progress {
  private readonly phaseCount: PhaseCount;
  private stopHeartbeat = () => {};

  constructor(
    private readonly stream: OutStream,
    private readonly clock: ProgressClock,
  ) {
    this.phaseCount = new PhaseCount(clock);
  }

  phase(text: string, total?: number): void {
    this.stop();
    this.phaseCount.start(text, total);
    this.stream.write(`${text}...\n`);
    this.stopHeartbeat = this.clock.every(HEARTBEAT_MS, () => this.stream.write(`  ... ${this.phaseCount.status()}\n`));
  }

  step(text: string, logged = false): void {
    this.phaseCount.count++;
    // A logged step has its own line; an unlogged one (a read's running totals) is repeated by
    // the heartbeat and the done line.
    if (logged) this.stream.write(`  ${text}\n`);
    else this.phaseCount.detail = text;
  }

  stop(): void {
    this.stopHeartbeat();
    this.stopHeartbeat = () => {};
    if (this.phaseCount.title) this.stream.write(`${this.phaseCount.status()} done\n`);
    this.phaseCount.title = '';
  }
}
