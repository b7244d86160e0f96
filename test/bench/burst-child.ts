/**
 * The ack benchmark's sender, in a process of its own so that the Slack stand-in the benchmark hosts (which the bot
 * answers through) never delays the reading of an ack. Gets pre-signed requests over IPC, sends them all at once,
 * answers with each one's response time.
 */

/** A burst to send: the URL and the signed requests. */
export interface Burst {
  url: string;
  requests: Array<{ body: string; headers: Record<string, string> }>;
}

process.on("message", async ({ url, requests }: Burst) => {
  const results = await Promise.all(
    requests.map(async ({ body, headers }) => {
      const sent = performance.now();
      try {
        const response = await fetch(url, { method: "POST", body, headers });
        await response.arrayBuffer();
        return { ms: performance.now() - sent, ok: response.status === 200 };
      } catch {
        return { ms: performance.now() - sent, ok: false };
      }
    }),
  );
  process.send!(results);
});
