# vnetbot's image. Node 24 runs the TypeScript sources directly (type stripping, as `npm start` does), so there is no
# build step and only the production dependencies are installed; test/deploy/dockerfile.test.ts checks that nothing
# under src/ or handlers/ needs a devDependency at run time.
#
#   docker build -t vnetbot .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET -e VNETBOT_CONFIG=/etc/vnetbot/vnetbot.yaml \
#     -v "$PWD/vnetbot.yaml:/etc/vnetbot/vnetbot.yaml:ro" -v vnetbot-data:/app/data -p 3000:3000 vnetbot

FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY handlers ./handlers
COPY src ./src
# The SQLite file (storage.sqlitePath, default ./data/vnetbot.sqlite) goes on a volume the runtime user owns; with
# VNETBOT_POSTGRES_URL set the volume stays empty. The official image's "node" user (uid 1000) runs the bot.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
# HTTP mode's port (PORT, default 3000); Socket Mode serves /healthz there too.
EXPOSE 3000
# Slim images have no curl: Node's own fetch asks /healthz, which answers 200 once the bot is ready. It asks
# 127.0.0.1, so HOST must be left at its default (0.0.0.0) or include the loopback address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start`, without npm in between: SIGTERM reaches node, which stops cleanly and logs it.
CMD ["node", "src/main.ts"]
