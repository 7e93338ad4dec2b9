/**
 * Attack: a pull request points a target at its own server (`endpoint: http://attacker/...`),
 * maybe with a secret interpolated into the URL, so the CI's signed requests (and session
 * token) go there. A config alone may only name loopback endpoints; anything else must be
 * allowed by the trusted side of the run, and interpolation in `endpoint` is refused outright.
 */
import { describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEndpoint, connectableEndpoint, isLoopbackHost } from '../../src/config/endpoints.js';
import dns from 'node:dns';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCliInProcess, tempDir } from '../helpers/cli.js';

describe('checkEndpoint', () => {
  it('takes loopback hosts on their own', () => {
    for (const url of ['http://127.0.0.1:4566', 'http://127.9.8.7', 'http://localhost:1234/x', 'https://[::1]:9000']) {
      expect(checkEndpoint(url, []), url).toBeUndefined();
    }
    expect(isLoopbackHost('127.0.0.1.attacker.example')).toBe(false);
    expect(isLoopbackHost('localhost.attacker.example')).toBe(false);
  });

  it('a name under .localhost is a name, resolved by DNS: not loopback (issue 23)', () => {
    for (const url of ['http://evil.localhost:4566', 'http://api.localhost', 'http://LOCALHOST.localhost']) {
      expect(checkEndpoint(url, [])?.message, url).toMatch(/not loopback/);
    }
    expect(isLoopbackHost('evil.localhost')).toBe(false);
  });

  it('the clients are given 127.0.0.1 for localhost, never the name', () => {
    expect(connectableEndpoint('http://localhost:4566')).toBe('http://127.0.0.1:4566');
    expect(connectableEndpoint('http://LocalHost:4566/base/')).toBe('http://127.0.0.1:4566/base/');
    expect(connectableEndpoint('http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566');
    expect(connectableEndpoint('https://vpce.example.com')).toBe('https://vpce.example.com');
    expect(connectableEndpoint(undefined)).toBeUndefined();
  });

  it('refuses other hosts unless allowed from outside, by scheme, host, port and path prefix', () => {
    expect(checkEndpoint('https://vpce-1.connect.us-east-1.vpce.amazonaws.com', [])?.message).toMatch(/not loopback/);
    expect(checkEndpoint('https://vpce-1.example.com', ['https://vpce-1.example.com'])).toBeUndefined();
    expect(checkEndpoint('https://vpce-1.example.com/base/x', ['https://vpce-1.example.com/base'])).toBeUndefined();
    expect(checkEndpoint('https://vpce-1.example.com/other', ['https://vpce-1.example.com/base'])).toBeDefined();
    expect(checkEndpoint('http://vpce-1.example.com', ['https://vpce-1.example.com'])).toBeDefined(); // scheme
    expect(checkEndpoint('https://vpce-1.example.com:8443', ['https://vpce-1.example.com'])).toBeDefined(); // port
    expect(checkEndpoint('https://vpce-1.example.com.attacker.net', ['https://vpce-1.example.com'])).toBeDefined();
  });

  it('refuses interpolation and credentials in the URL, even on loopback', () => {
    expect(checkEndpoint('http://127.0.0.1/${env.AWS_SECRET_ACCESS_KEY}', [])?.message).toMatch(/interpolation/);
    expect(checkEndpoint('http://user:pw@127.0.0.1:1', [])?.message).toMatch(/user name or password/);
    expect(checkEndpoint('ftp://127.0.0.1', [])?.message).toMatch(/not an http\(s\) URL/);
  });
});

describe('through the CLI', () => {
  const config = (endpoint: string) => {
    const dir = tempDir('endpoint-');
    writeFileSync(
      join(dir, 'connectform.yaml'),
      `targets:\n  prod:\n    region: us-east-1\n    instanceId: 6f1c2a7e-8a39-4f5e-9d0b-3c2e1a4b5c6d\n    endpoint: ${endpoint}\nrules: []\n`,
    );
    return dir;
  };

  it('a secret in the endpoint URL is refused at its position before any call, and never printed', async () => {
    const dir = config('http://attacker.example/${env.AWS_SECRET_ACCESS_KEY}');
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-SECRET' };
    for (const cmd of ['validate', 'plan']) {
      const r = await runCliInProcess([cmd, dir], { env, cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /connectform\.yaml:5:15: error: targets\.prod\.endpoint: endpoint cannot use \$\{\.\.\.\} interpolation/,
      );
      expect(r.stdout + r.stderr).not.toContain('wJalrXUtnFEMI');
    }
  });

  it('another host needs --allow-endpoint or CONNECTFORM_ALLOW_ENDPOINTS', async () => {
    const dir = config('https://connect.vpce.example.com');
    const refused = await runCliInProcess(['validate', dir], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /connectform\.yaml:5:15: error: .*'connect\.vpce\.example\.com' is not loopback.*--allow-endpoint https:\/\/connect\.vpce\.example\.com/,
    );
    const byFlag = await runCliInProcess(['validate', dir, '--allow-endpoint', 'https://connect.vpce.example.com'], {
      cwd: dir,
    });
    expect(byFlag.code, byFlag.stderr).toBe(0);
    const byEnv = await runCliInProcess(['validate', dir], {
      cwd: dir,
      env: { CONNECTFORM_ALLOW_ENDPOINTS: 'https://other.example, https://connect.vpce.example.com' },
    });
    expect(byEnv.code, byEnv.stderr).toBe(0);
  });

  it('evil.localhost is refused before any call, naming --allow-endpoint', async () => {
    const dir = config('http://evil.localhost:4566');
    const r = await runCliInProcess(['plan', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /connectform\.yaml:5:15: error: .*'evil\.localhost:4566' is not loopback.*--allow-endpoint/,
    );
  });

  it('localhost reaches the sandbox without a name lookup', async () => {
    const sandbox = await startSandbox({ quotas: false });
    const lookup = vi.spyOn(dns, 'lookup');
    try {
      const dir = config(sandbox.endpoint.replace('127.0.0.1', 'localhost'));
      const r = await runCliInProcess(['plan', dir], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(lookup.mock.calls.filter(([host]) => String(host).includes('localhost'))).toEqual([]);
    } finally {
      lookup.mockRestore();
      await sandbox.stop();
    }
  });
});
