/**
 * Attack: an endpoint that accepts connections and never answers (or a config that asks for a
 * crawl) must not hang a CI job. Every call has timeouts and a budget; flags are bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCliInProcess as run, tempDir, writeConfig } from '../helpers/cli.js';

let silent: Server;
const sockets: Socket[] = [];
let endpoint: string;

beforeAll(async () => {
  silent = createServer((socket) => void sockets.push(socket)); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

describe('a silent endpoint', () => {
  it('becomes one clear error naming the target and the API, not a hang', async () => {
    const dir = tempDir('silent-');
    writeConfig(dir, { stuck: { endpoint } }, {}, { rules: [] });
    const r = await run(['plan', dir, '--request-timeout', '1', '--connect-timeout', '1'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: target stuck: sts:GetCallerIdentity failed for credentials from .+: no answer from 127\.0\.0\.1:\d+ within 1s; check the endpoint or network, or raise --request-timeout$/m,
    );
  });

  it('timeouts are bounded flags', async () => {
    for (const bad of ['0', '0.5', '601', 'soon']) {
      const r = await run(['plan', tempDir(), '--request-timeout', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toMatch(/--request-timeout.*expected seconds from 1 to 600/);
    }
  });
});

describe('flags are bounded like the settings schema', () => {
  it('--parallelism and --quota-scale refuse values outside the settings ranges', async () => {
    for (const [flag, bad] of [
      ['--parallelism', '65'],
      ['--parallelism', '0'],
      ['--parallelism', '2.5'],
      ['--quota-scale', '0.0001'],
      ['--quota-scale', '5000'],
    ]) {
      const r = await run(['plan', tempDir(), flag, bad]);
      expect(r.code, `${flag} ${bad}`).toBe(1);
      expect(r.stderr).toMatch(/expected a (whole )?number from/);
    }
  });
});
