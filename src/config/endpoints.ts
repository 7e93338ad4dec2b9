/**
 * Which endpoints a config may point a target at. The config comes from pull requests; the CI's
 * credentials sign every request sent to the endpoint, so a config that could name any host
 * could make the CI sign requests for (and send its session token to) an attacker's server.
 * A config may therefore name only loopback endpoints (the sandbox) on its own; any other host
 * must also be allowed from outside the config: `--allow-endpoint URL` or
 * `CONNECTFORM_ALLOW_ENDPOINTS=URL,...` (the CI's environment, which a pull request cannot edit).
 */
import { isIP } from 'node:net';

export const ALLOW_ENDPOINTS_ENV = 'CONNECTFORM_ALLOW_ENDPOINTS';

export interface EndpointIssue {
  message: string;
  hint?: string;
}

/** Endpoints allowed from outside the config: the flags plus the environment variable. */
export function allowedEndpoints(
  flags: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const fromEnv = (env[ALLOW_ENDPOINTS_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(flags ?? []), ...fromEnv];
}

/**
 * Loopback means a loopback address: a literal in 127.0.0.0/8, `::1`, or the name `localhost`,
 * which connectform maps to 127.0.0.1 itself (connectableEndpoint) and never looks up. Any other
 * name (`evil.localhost`, `localhost.example`) would be resolved through the system's DNS, whose
 * answer the config's author may control, so it is not loopback and needs --allow-endpoint.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * The endpoint the SDK clients are given: `localhost` replaced by 127.0.0.1, so no name of a
 * loopback endpoint reaches a resolver (a hosts file or DNS could point it anywhere). Other
 * endpoints are returned as they are.
 */
export function connectableEndpoint(endpoint: string | undefined): string | undefined {
  if (!endpoint) return endpoint;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  if (url.hostname.toLowerCase() !== 'localhost') return endpoint;
  url.hostname = '127.0.0.1';
  // new URL adds a trailing '/' to a bare origin: keep the endpoint as written otherwise.
  return endpoint.endsWith('/') || url.pathname !== '/' ? url.href : url.href.replace(/\/$/, '');
}

/** The problem with `raw` as a target endpoint, or undefined when it may be used. */
export function checkEndpoint(raw: string, allowed: readonly string[]): EndpointIssue | undefined {
  if (raw.includes('${')) {
    return {
      message: 'endpoint cannot use ${...} interpolation',
      hint: 'write the URL itself; requests carry signed credentials, so where they go is fixed by the config as reviewed',
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { message: `'${raw}' is not an http(s) URL`, hint: 'e.g. http://127.0.0.1:4566' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { message: `'${raw}' is not an http(s) URL`, hint: 'e.g. http://127.0.0.1:4566' };
  if (url.username || url.password)
    return {
      message: 'endpoint must not carry a user name or password',
      hint: 'credentials come from the profile or role, never from the URL',
    };
  if (isLoopbackHost(url.hostname)) return undefined;
  if (allowed.some((a) => sameEndpoint(a, url))) return undefined;
  return {
    message: `endpoint host '${url.host}' is not loopback and was not allowed from outside the config`,
    hint: `run with --allow-endpoint ${url.origin} (or set ${ALLOW_ENDPOINTS_ENV}) in the CI job that trusts it`,
  };
}

/** `allowed` names the same scheme, host and port, and a path that `url`'s starts with. */
function sameEndpoint(allowed: string, url: URL): boolean {
  let a: URL;
  try {
    a = new URL(allowed);
  } catch {
    return false;
  }
  if (a.origin !== url.origin) return false;
  const prefix = a.pathname.replace(/\/+$/, '');
  return url.pathname === prefix || url.pathname.startsWith(`${prefix}/`) || prefix === '';
}
