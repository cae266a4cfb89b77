# Multi-stage image: dependencies and build in one stage, a slim runtime in the other.
# No secret is passed at build time; configuration arrives as environment at run time,
# and migrations are applied when the container starts (scripts/start.mjs --prebuilt), or,
# in docker-compose.yml, by a migrate service of their own (`node scripts/migrate.mjs`).
# The same image runs the background worker: `node dist/worker.mjs` (docker-compose.yml).

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
RUN npm ci
COPY . .
# The worker is bundled into dist/worker.mjs (its build fails if the bundle would need a
# devDependency), so the pruned runtime runs it with plain node.
RUN npx next build && node scripts/build-worker.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# git: the leak check reads an uploaded git bundle's history (lib/leak/git-history.ts).
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json /app/next.config.mjs ./
# next.config.mjs imports the body limits.
COPY --from=build --chown=node:node /app/lib/body-limits.mjs ./lib/
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/dist ./dist
# Generated keys (and the development-only local provider's store) live here: a volume in
# docker-compose.yml, writable by the unprivileged user.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "scripts/start.mjs", "--prebuilt"]
