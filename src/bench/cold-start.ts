/**
 * Cold start: how long a user waits for `connectform --help` and a small `validate`, each a fresh
 * `node bin/connectform.js` process (the compiled dist/), set against bare `node -e 0` on the same
 * machine in the same run. The three are interleaved run by run, so a load spike on a shared
 * machine hits all of them alike, and each is the median of its runs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { BENCH_INSTANCE, BENCH_REGION, BENCH_TARGET } from './generate.js';
import { exampleFunction } from '../kinds/rule-function/examples.js';

export interface ColdStartResult {
  name: string;
  command: string;
  /** Median wall time of the runs, spawn to exit (s). */
  medianSeconds: number;
  runs: number[];
  /** medianSeconds / the median of bare `node -e 0` (1 for that row itself). */
  ratioToNode: number;
}

const BIN = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'connectform.js');

function timed(args: string[], cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    execFile(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, _out, stderr) => {
      if (err) fail(new Error(`cold start: node ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else done((performance.now() - t0) / 1000);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A one-rule config, as small as a `validate` gets. */
function writeSmallConfig(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'connectform.yaml'),
    stringify({ targets: { [BENCH_TARGET]: { region: BENCH_REGION, instanceId: BENCH_INSTANCE } } }),
  );
  const rule = {
    Name: 'cold-start',
    TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    Function: exampleFunction('OnPostCallAnalysisAvailable'),
    PublishStatus: 'PUBLISHED',
    Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'cold-start' } }],
  };
  writeFileSync(join(dir, 'rules.yaml'), stringify({ rules: [rule] }));
  return dir;
}

export async function measureColdStart(
  workDir: string,
  runs: number,
  log: (line: string) => void,
): Promise<ColdStartResult[]> {
  const dir = writeSmallConfig(join(workDir, 'cold-start'));
  const commands = [
    { name: 'node -e 0', command: 'node -e 0', args: ['-e', '0'] },
    { name: '--help', command: 'connectform --help', args: [BIN, '--help'] },
    { name: 'validate', command: 'connectform validate (1 rule)', args: [BIN, 'validate', dir] },
  ];
  for (const c of commands) await timed(c.args, dir); // warm the file cache: a user's second run, not a cold disk
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) for (const [j, c] of commands.entries()) times[j].push(await timed(c.args, dir));
  const node = median(times[0]);
  const results = commands.map((c, j) => ({
    name: c.name,
    command: c.command,
    medianSeconds: median(times[j]),
    runs: times[j],
    ratioToNode: median(times[j]) / node,
  }));
  for (const r of results)
    log(
      `cold start ${r.command}: median ${r.medianSeconds.toFixed(3)} s of ${runs} (${r.ratioToNode.toFixed(2)}× node -e 0)`,
    );
  return results;
}
