/** The chat port over the Slack Web API: posts, in-place updates and thread replies of neutral replies. */
import type { webApi } from "@slack/bolt";
import type { ChatPort, PostedMessage } from "../core/ports.ts";
import type { Reply } from "../core/reply.ts";
import { renderReply } from "./render.ts";

export function createSlackChat(client: webApi.WebClient): ChatPort<Reply> {
  return {
    async post(channel, reply) {
      const result = await client.chat.postMessage({ channel, ...renderReply(reply) });
      return { channel: result.channel ?? channel, ts: result.ts! };
    },
    async update(message: PostedMessage, reply) {
      await client.chat.update({ channel: message.channel, ts: message.ts, ...renderReply(reply) });
    },
    async replyInThread(message, reply) {
      const result = await client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, ...renderReply(reply) });
      return { channel: result.channel ?? message.channel, ts: result.ts! };
    },
  };
}
