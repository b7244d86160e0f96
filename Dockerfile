# vnetbot's image. A stage of its own bundles what `npm start` runs into dist/ (scripts/build.ts; the bundler is a
# devDependency), and the image runs that bundle with only the production dependencies installed beside it (they hold
# what is resolved at run time, such as the playground's emoji font); test/deploy/dockerfile.test.ts checks that
# nothing under src/ or handlers/ needs a devDependency at run time.
#
#   docker build -t vnetbot .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET -e VNETBOT_CONFIG=/etc/vnetbot/vnetbot.yaml \
#     -v "$PWD/vnetbot.yaml:/etc/vnetbot/vnetbot.yaml:ro" -v vnetbot-data:/app/data -p 3000:3000 vnetbot

FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/
COPY handlers ./handlers
COPY src ./src
RUN npm run build

FROM node:24-slim
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=bundle /app/dist ./dist
# The files the bot reads at run time rather than imports (src/source-files.ts): local mode's page and estates.
COPY src ./src
# `node scripts/trace.ts < log` maps a logged stack from the bundle back to src/ lines (README, "Reading the log").
COPY scripts/trace.ts ./scripts/trace.ts
# The SQLite file (storage.sqlitePath, default ./data/vnetbot.sqlite) goes on a volume the runtime user owns; with
# VNETBOT_POSTGRES_URL set the volume stays empty. The official image's "node" user (uid 1000) runs the bot.
RUN mkdir -p /app/data /app/.compile-cache && chown node:node /app/data /app/.compile-cache
USER node
# The compile cache baked in here holds V8's code for the chunks a start loads, so a container is ready sooner
# (src/launch.js says more). Node keys the cache by its version, the V8 flags and the user:
# the warm-up runs as that user and with the flags of the CMD below.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN node --optimize-for-size dist/launch.js --warm-compile-cache
VOLUME ["/app/data"]
# HTTP mode's port (PORT, default 3000); Socket Mode serves /healthz there too.
EXPOSE 3000
# Slim images have no curl: Node's own fetch asks /healthz, which answers 200 once the bot is ready. It asks
# 127.0.0.1, so HOST must be left at its default (0.0.0.0) or include the loopback address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start`, without npm in between: SIGTERM reaches node, which stops cleanly and logs it.
# --optimize-for-size: V8 keeps a small young generation and grows the old one cautiously; a bot that mostly waits on
# Slack and ARM gives up little speed for it (README, "Performance": RSS 164 → 135 MB idle, 293 → 180 MB at the peak
# of a 10,000-app scan, the ack latency unchanged against a bare Bolt app).
# MALLOC_ARENA_MAX=2: glibc keeps an arena per allocating thread, and what a scan freed stays there; two arenas
# keep 5-14 MB less at the scan's peak and after it (README, "Performance", also on what it may cost the acks' tail).
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--optimize-for-size", "dist/launch.js"]
