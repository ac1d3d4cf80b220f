# Weir worker image. Build: docker build -t weir .
# The same image runs `weir db migrate` as a one-shot step (see docker-compose.yml).
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    WEIR_DAGS_DIR=/app/dags

WORKDIR /app
# The worker runs as the unprivileged `node` user; it owns /app so it can write
# scratch files (for example .weir/) next to the code.
RUN chown node:node /app
USER node

# Manifests first: editing a DAG or the source reuses the cached dependency layer.
# tsx is a runtime dependency, so the TypeScript sources run as they are, unbuilt.
# The base image ships npm 10, which runs dependency install scripts as usual;
# the `allowScripts` field in package.json is only read by npm 11.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

# `--no` makes npx fail instead of fetching an unrelated package from the registry
# if the project's own `weir` bin were ever missing.
CMD ["npx", "--no", "weir", "worker"]
