/**
 * Who may do what. Every command and every button declares an access rule; the dispatcher enforces it, once,
 * before any handler runs. People are Slack user ids (never names); groups (S…) are expanded through a directory.
 */

/** The people a rule admits. */
export type Audience = "anyone" | "operators" | "approvers";

/** Who may use a command or a button, and how a refusal names what they tried to do. */
export interface AccessRule {
  audience: Audience;
  /** What the audience does, completing "Only operators can …", e.g. "request changes". */
  deed: string;
  /**
   * For decisions on a change request: "refused" means never its requester (four eyes), "allowed" means its requester
   * too, whatever the audience (withdrawing one's own request).
   */
  requester?: "refused" | "allowed";
}

/** Reads: open to everyone in the workspace. */
export const ANYONE: AccessRule = { audience: "anyone", deed: "use it" };
/** Typed change commands. */
export const OPERATORS_REQUEST_CHANGES: AccessRule = { audience: "operators", deed: "request changes" };

/** Expands a user group (S…) into its members' user ids. */
export interface Directory {
  membersOf(groupId: string): Promise<string[]>;
}

/** The access section of the configuration. */
export interface AccessRules {
  approvers: readonly string[];
  /** Undefined: everyone may request changes. */
  operators: readonly string[] | undefined;
}

/** Answers access questions about one user. */
export interface AccessPolicy {
  canApprove(userId: string): Promise<boolean>;
  canRequestChanges(userId: string): Promise<boolean>;
}

const GROUP = /^S/;

/** Builds the policy; group members are looked up when asked (the directory may cache). */
export function createAccessPolicy(rules: AccessRules, directory: Directory): AccessPolicy {
  const isListed = async (list: readonly string[], userId: string): Promise<boolean> => {
    if (list.includes(userId)) return true;
    for (const entry of list.filter((e) => GROUP.test(e))) {
      if ((await directory.membersOf(entry)).includes(userId)) return true;
    }
    return false;
  };
  return {
    canApprove: (userId) => isListed(rules.approvers, userId),
    canRequestChanges: async (userId) => rules.operators === undefined || (await isListed(rules.operators, userId)),
  };
}

/** True when the user belongs to the audience. */
export function isInAudience(policy: AccessPolicy, audience: Audience, userId: string): Promise<boolean> {
  switch (audience) {
    case "anyone":
      return Promise.resolve(true);
    case "operators":
      return policy.canRequestChanges(userId);
    case "approvers":
      return policy.canApprove(userId);
  }
}

/** The refusal of someone outside the audience, e.g. "Only operators can request changes." */
export function outsideAudience(rule: AccessRule): string {
  return `Only ${rule.audience} can ${rule.deed}.`;
}

/** What to do about that refusal; commandText is the /vnet command they typed, when they typed one. */
export function askSomeoneWhoMay(audience: Audience, commandText: string | undefined): string {
  if (audience === "approvers") return "Ask an approver (access.approvers in the configuration) to decide it.";
  const ask = commandText ? `Ask an operator to run \`/vnet ${commandText}\`` : "Ask an operator";
  return `${ask}, or an administrator to add you to access.operators. Reading commands stay open to you.`;
}

/** A requester deciding their own change. */
export const OWN_REQUEST = "You asked for this change, so another approver has to decide it.";
/** Under OWN_REQUEST. */
export const ASK_ANOTHER_APPROVER = "Ask one of the approvers to look at it, or Reject it yourself to withdraw it.";
