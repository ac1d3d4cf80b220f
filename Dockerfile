# Weir worker image. Build: docker build -t weir .
# The same image runs `weir db migrate` as a one-shot step (see docker-compose.yml).

# Stage 1 compiles Weir's TypeScript to dist/ (it needs the dev dependencies: TypeScript).
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# No scripts: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    WEIR_DAGS_DIR=/app/dags

WORKDIR /app
# The worker runs as the unprivileged `node` user; it owns /app so it can write
# scratch files (for example .weir/) next to the code.
RUN chown node:node /app
USER node

# Manifests first: editing a DAG or the source reuses the cached dependency layer.
# Weir runs as compiled JavaScript (dist/, from the build stage); DAG files are TypeScript,
# compiled by esbuild when they load. `prepare` (the build) is for checkouts, not this image.
# The base image ships npm 10, which runs dependency install scripts as usual;
# the `allowScripts` field in package.json is only read by npm 11.
COPY --chown=node:node package.json package-lock.json ./
RUN npm pkg delete scripts.prepare && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
COPY --from=build --chown=node:node /build/dist ./dist

# `--no` makes npx fail instead of fetching an unrelated package from the registry
# if the project's own `weir` bin were ever missing.
CMD ["npx", "--no", "weir", "worker"]
