/** Who may request and who may decide changes, by Slack user id (never by name). */

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

/** Answers access questions. */
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
