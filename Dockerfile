# syntax=docker/dockerfile:1
# Multi-stage: compile with dev dependencies, ship only production dependencies on Node 24, as non-root.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
USER node
# 9464: the operator's /metrics, /healthz and /readyz; 8080: the simulator, when run instead.
EXPOSE 9464 8080
# node as PID 1 (not npm), so that SIGTERM reaches the operator, which then lets running sweeps
# checkpoint and releases its Lease (docs/operator.md). The default command is the operator;
# `docker run IMAGE simulator --host 0.0.0.0 --port 8080` serves the Zendesk simulator instead.
ENTRYPOINT ["node", "--enable-source-maps", "dist/src/cli/main.js"]
CMD ["operator"]
