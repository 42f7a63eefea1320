# syntax=docker/dockerfile:1
# One image for every cdc service; the command picks the service:
#   docker run IMAGE reader --config /etc/cdc/cdc.yaml --source shop
#   docker run IMAGE applier --config /etc/cdc/cdc.yaml --destination replica
#   docker run IMAGE coordinator --config /etc/cdc/cdc.yaml
#   docker run IMAGE status --config /etc/cdc/cdc.yaml
# Build from the repository root: docker build -t cdc:local .
#
# Stage 1 runs the Nx build (`nx run cli:build`: type-check, then the esbuild bundle dist/cdc.cjs).
# Stage 2 holds only Node and that bundle: every npm dependency is inside it (pg-native, the only
# external, is optional and not used), so no node_modules ship in the image.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
# npm install, not npm ci: see .ci/run (npm 11 leaves nx's platform binaries out of the lock file).
RUN npm install --no-audit --no-fund
COPY nx.json tsconfig.base.json tsconfig.json ./
COPY proto proto
COPY libs libs
COPY apps apps
COPY tools tools
COPY bin bin
RUN npx nx run cli:build --outputStyle=static && node bin/cdc.js --help >/dev/null

# Debian's glibc, as in every benchmark (docs/benchmarks.md), with the two malloc settings the
# services' memory was measured with: glibc's defaults keep much of what a service once held
# (applier peak 0.73x with them on a 1,000,000-row transaction; README, "Memory"). The slim
# image is larger than an Alpine one, whose musl allocator nothing here was measured on.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="cdc" \
      org.opencontainers.image.description="Change-data-capture over NATS JetStream: reader, applier, coordinator, status" \
      org.opencontainers.image.licenses="Apache-2.0"
# /metrics, /healthz and /readyz on 9400 (unset CDC_HTTP_ADDR to turn the server off). Tracing
# stays off unless OTEL_* variables are set (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER=otlp).
ENV NODE_ENV=production \
    CDC_HTTP_ADDR=0.0.0.0:9400 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=262144
WORKDIR /app
COPY --from=build /src/dist/cdc.cjs /app/dist/cdc.cjs
COPY --from=build /src/bin/cdc.js /app/bin/cdc.js
# `cdc` on the PATH, for `docker compose exec <service> cdc status --config ...`.
RUN chmod 0755 /app/bin/cdc.js && ln -s /app/bin/cdc.js /usr/local/bin/cdc
# The node image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node:node
EXPOSE 9400
# Node runs as PID 1: every service handles SIGTERM itself (finishes or abandons in-flight work
# safely, never acks what is not committed), so no init wrapper is needed to stop cleanly.
ENTRYPOINT ["node", "/app/bin/cdc.js"]
CMD ["--help"]
