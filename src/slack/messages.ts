/** User-visible strings of the Slack layer, in one place so that they are reviewed together. */
import { escapeMrkdwn } from "../core/reply.ts";

/** The ephemeral acknowledgement of a command that does its work after the ack. */
export const WORKING = (commandText: string) => `:hourglass_flowing_sand: Working on \`/vnet ${escapeMrkdwn(commandText.replace(/`/g, "'"))}\`…`;

/** When a command is not known. */
export const UNKNOWN_COMMAND = (word: string) => `There is no \`/vnet ${word}\` command.`;

/** The hint under every usage problem. */
export const SEE_HELP = "Type `/vnet help` to see every command and what you may do.";

/** The usage line under a usage problem. */
export const USAGE = (usage: string) => `Usage: \`${usage}\``;

/** When a command runs past its deadline. */
export const DEADLINE_PASSED = (seconds: number) => `This took longer than ${seconds} seconds, so I stopped waiting. Nothing was changed by this command.`;

/** Under a deadline problem. */
export const TRY_AGAIN = "Azure may be slow right now: try again in a minute.";

/** Shown in place of what does not fit in one Slack message: lines of text and buttons left out. */
export const TRUNCATED = (lines: number, buttons: number) => {
  const what = [lines > 0 ? `${lines} more ${lines === 1 ? "line" : "lines"}` : "", buttons > 0 ? `${buttons} ${buttons === 1 ? "button" : "buttons"}` : ""].filter(Boolean).join(" and ");
  return `…and ${what} not shown: one Slack message holds only so much. Narrow it with --plan PLAN, a smaller N, or one APP.`;
};

/** Shown when a text had to be cut. */
export const CUT = "…(cut)";

/** When a command or click arrives while the bot is still starting (recovering unfinished changes). */
export const STARTING = "vnetbot is starting up and not taking commands yet. Nothing was run.";

/** Under STARTING. */
export const TRY_SHORTLY = "Try again in a few seconds.";

/** A click on a button the bot no longer knows (an old message, a removed feature). */
export const BUTTON_GONE = "This button is not one I know any more.";

/** Under BUTTON_GONE. */
export const RUN_IT_AGAIN = "Ask for the change again.";

/** When did-you-mean finds a command close to what was typed. */
export const DID_YOU_MEAN = (command: string) => `Did you mean \`/vnet ${command}\`?`;

/** Above an answer that --share posted in the channel: who asked for it, and what. */
export const SHARED_BY = (userId: string, commandText: string) => `Shared by <@${userId}>: \`/vnet ${escapeMrkdwn(commandText.replace(/`/g, "'"))}\``;

/** In place of the "Working on …" placeholder once --share has posted the answer in the channel. */
export const SHARED_IN_CHANNEL = ":white_check_mark: Shared in this channel.";

/** When Slack's Web API cannot be reached or refuses the token at start-up or in /readyz. */
export const SLACK_UNUSABLE = (apiUrl: string, reason: string) =>
  `Slack's Web API at ${apiUrl} did not answer auth.test (${reason}). Hint: check SLACK_API_URL (unset means https://slack.com/api/) and the network or proxy between the bot and Slack; invalid_auth, not_authed or account_inactive mean SLACK_BOT_TOKEN is wrong or revoked.`;
