/** Expands Slack user groups (S…) through usergroups.users.list, cached briefly (the method is Tier 2). */
import type { webApi } from "@slack/bolt";
import { BotError } from "../errors.ts";
import type { Directory } from "../core/access.ts";
import type { Clock } from "../core/ports.ts";

const CACHE_MS = 5 * 60_000;

export function createSlackDirectory(client: webApi.WebClient, clock: Clock): Directory {
  const cache = new Map<string, { members: string[]; until: number }>();
  return {
    async membersOf(groupId) {
      const cached = cache.get(groupId);
      if (cached && cached.until > clock.now().getTime()) return cached.members;
      try {
        const result = await client.usergroups.users.list({ usergroup: groupId });
        const members = result.users ?? [];
        cache.set(groupId, { members, until: clock.now().getTime() + CACHE_MS });
        return members;
      } catch (error) {
        throw new BotError("unavailable", `I could not read the members of the user group ${groupId} (${(error as { data?: { error?: string } }).data?.error ?? "Slack did not answer"}).`, {
          hint: "Check that the group exists and the bot has the usergroups:read scope, then try again.",
          cause: error,
        });
      }
    },
  };
}
