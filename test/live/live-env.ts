/**
 * Whether the live battery (`npm run test:live`, test/live/battery.live.ts) may run, from the
 * environment alone: a real Connect instance, a region and credentials. Without them it says
 * why and skips: nothing here touches AWS.
 *
 *   CONNECTFORM_LIVE_INSTANCE_ID   the Connect instance to test in (use one of its own: the
 *                                  battery prunes what connectform manages there)
 *   AWS_REGION / AWS_DEFAULT_REGION
 *   AWS_PROFILE, or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE
 *                                  (GitHub's OIDC role)
 * Optional, for references the sandbox seeds and a real instance may not have:
 *   CONNECTFORM_LIVE_CONTACT_FLOW      flow name for every ContactFlowId (default LIVE_DEFAULTS)
 *   CONNECTFORM_LIVE_SELF_ASSIGN_FLOW  flow name for SelfAssignFlowId (default LIVE_DEFAULTS)
 *   CONNECTFORM_LIVE_CHAT_CONFIGURATIONS  comma-separated Chatbot chat configuration ARNs; without
 *                                  them custom actions are linked to none
 *   CONNECTFORM_LIVE_INTEGRATION_ASSOCIATION_ID  a Zendesk integration of the instance; without
 *                                  it the rule on OnZendeskTicketCreate is left out
 *   CONNECTFORM_LIVE_CHATBOT_REGION    when AWS_REGION has no Chatbot endpoint
 */

export interface LiveTarget {
  instanceId: string;
  region: string;
  profile?: string;
  chatbotRegion?: string;
  /** Every name the run creates starts with it; it is all the cleanup deletes. */
  prefix: string;
  contactFlow: string;
  selfAssignFlow: string;
  chatConfigurations: string[];
  integrationAssociationId?: string;
  /** Never from the environment: only a rehearsal of the live world against the sandbox sets it. */
  endpoint?: string;
}

export type LiveSetup = { configured: true; target: LiveTarget } | { configured: false; reason: string };

/** Flow names of a new Connect instance's default flows (override with the variables above). */
export const LIVE_DEFAULTS = {
  contactFlow: 'Sample inbound flow (first contact experience)',
  selfAssignFlow: 'Default agent transfer',
} as const;

/**
 * Letters, digits and hyphens only (every kind's name pattern takes them), short enough for the
 * 30-character custom action AliasName: `cfl-` + 6 time characters + 2 random + `-`.
 */
export function runPrefix(now: number, random: () => number): string {
  const time = now.toString(36).slice(-6);
  const salt = Math.floor(random() * 36 * 36)
    .toString(36)
    .padStart(2, '0');
  return `cfl-${time}${salt}-`;
}

export function liveSetup(env: NodeJS.ProcessEnv, now = Date.now(), random = Math.random): LiveSetup {
  const missing: string[] = [];
  const instanceId = env.CONNECTFORM_LIVE_INSTANCE_ID?.trim();
  const region = (env.AWS_REGION ?? env.AWS_DEFAULT_REGION)?.trim();
  const hasCredentials = Boolean(
    env.AWS_PROFILE || (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_WEB_IDENTITY_TOKEN_FILE,
  );
  if (!instanceId) missing.push('CONNECTFORM_LIVE_INSTANCE_ID (the Connect instance to test in)');
  if (!region) missing.push('AWS_REGION');
  if (!hasCredentials)
    missing.push('AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE)');
  if (missing.length || !instanceId || !region) {
    return {
      configured: false,
      reason: `live battery skipped: set ${missing.join(', ')} to run it against a real account (README, "Development")`,
    };
  }
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    configured: true,
    target: {
      instanceId,
      region,
      ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
      ...(env.CONNECTFORM_LIVE_CHATBOT_REGION ? { chatbotRegion: env.CONNECTFORM_LIVE_CHATBOT_REGION } : {}),
      prefix: runPrefix(now, random),
      contactFlow: env.CONNECTFORM_LIVE_CONTACT_FLOW || LIVE_DEFAULTS.contactFlow,
      selfAssignFlow: env.CONNECTFORM_LIVE_SELF_ASSIGN_FLOW || LIVE_DEFAULTS.selfAssignFlow,
      chatConfigurations: list(env.CONNECTFORM_LIVE_CHAT_CONFIGURATIONS),
      ...(env.CONNECTFORM_LIVE_INTEGRATION_ASSOCIATION_ID
        ? { integrationAssociationId: env.CONNECTFORM_LIVE_INTEGRATION_ASSOCIATION_ID }
        : {}),
    },
  };
}
