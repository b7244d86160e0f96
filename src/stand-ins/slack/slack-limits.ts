/**
 * What Slack itself refuses, written down from Slack's documentation independently of the bot's renderer, so that a
 * renderer that drifts past a limit is caught by the stand-in instead of agreeing with it.
 */
export const SLACK_LIMITS = {
  // "You can include up to 50 blocks in each message" (docs.slack.dev/reference/block-kit/blocks).
  blocksPerMessage: 50,
  // Section text 1-3000 characters; at most 10 fields of 2000 each (@slack/types SectionBlock).
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  // Header text: plain_text of at most 150 characters (@slack/types HeaderBlock).
  headerText: 150,
  // Context: at most 10 elements (@slack/types ContextBlock).
  contextElements: 10,
  // Actions: at most 25 elements, each action_id unique in the block; a button value at most 2000 characters.
  actionsElements: 25,
  buttonValue: 2000,
  // Undocumented aggregate: Slack answered msg_blocks_too_long at about 13.2k characters of blocks while every
  // documented limit held (user report in slackapi/bolt-js#2509).
  blocksJson: 13_200,
} as const;
