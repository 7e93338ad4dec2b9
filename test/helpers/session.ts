/**
 * A session for one target of a config on disk, as the CLI opens one: the config is loaded and
 * validated by the caller (here), then handed to TargetSession.create.
 */
import { loadAndValidate } from '../../src/config/index.js';
import { TargetSession, type SessionOptions } from '../../src/engine/session.js';

export async function openSession(
  configPaths: string | string[],
  targetName: string | undefined,
  options: SessionOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<TargetSession> {
  return TargetSession.create(await loadAndValidate(configPaths, targetName, options.env), options);
}
