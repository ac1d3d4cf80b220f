#!/usr/bin/env bash
# Builds the worker image with podman (no registry: the base comes from build-base-image.sh),
# checks it has Python 3 and the example's packages, then runs deploy/podman/compose.yml
# with podman-compose: the example pipeline once, on two worker replicas sharing the S3
# server. Passes when the run succeeds and both replicas ran tasks of it. Root, as in CI.
#
#   deploy/podman/run-compose.sh            # leaves nothing running
#   WEIR_KEEP_STACK=1 deploy/podman/run-compose.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
step() { printf '\n==> %s\n' "$*"; }

base_image=localhost/weir-node-base:20-bookworm
export WEIR_IMAGE=localhost/weir:local
compose_file=deploy/podman/compose.yml
project=weir-podman

# A container host may forbid raising limits past its own (podman's default nofile is 1048576):
# the same engine settings as the podman service of the tests (infra/podman/containers-conf.ts).
state_dir="$PWD/.weir/podman-compose-state"
mkdir -p "$state_dir"
printf '%s\n' '[containers]' 'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]' '' '[engine]' 'runtime = "runc"' 'cgroup_manager = "cgroupfs"' 'events_logger = "file"' >"$state_dir/containers.conf"
export CONTAINERS_CONF="$state_dir/containers.conf"

step "podman-compose (PyPI, in .weir/podman-compose)"
compose_dir="$PWD/.weir/podman-compose"
if [[ ! -x "$compose_dir/bin/podman-compose" ]]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$compose_dir" podman-compose==1.6.0
fi
podman_compose() { PYTHONPATH="$compose_dir" python3 "$compose_dir/bin/podman-compose" -p "$project" -f "$compose_file" "$@"; }
# Service names resolve through the dnsname CNI plugin.
[[ -x /usr/lib/cni/dnsname ]] || { echo "the dnsname CNI plugin is missing: apt-get install -y golang-github-containernetworking-plugin-dnsname" >&2; exit 1; }

step "base image $base_image"
deploy/podman/build-base-image.sh "$base_image"

step "worker image $WEIR_IMAGE (podman build of the Dockerfile)"
started=$(date +%s)
nice -n 19 podman build --network host --pull=never --build-arg "NODE_IMAGE=$base_image" -t "$WEIR_IMAGE" .
echo "built in $(( $(date +%s) - started )) s"

step "the image runs the example's training: Python 3 with scikit-learn"
podman run --rm --entrypoint /bin/sh "$WEIR_IMAGE" -c \
  'python3 --version && PYTHONPATH=/app/.weir/python python3 -c "import sklearn; print(\"scikit-learn\", sklearn.__version__)"'

export WEIR_TEMPORAL_BIN="${WEIR_TEMPORAL_BIN:-$(npx --no-install tsx infra/install-temporal.ts)}"
export WEIR_VERSITYGW_BIN="${WEIR_VERSITYGW_BIN:-$(npx --no-install tsx infra/install-versitygw.ts)}"

cleanup() {
  if [[ -z "${WEIR_KEEP_STACK:-}" ]]; then
    podman_compose down -v >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

step "compose up: Temporal, Postgres, S3, migration, two workers, one triggered run"
# podman 4.3 (Debian 12) cannot wait for a healthy container, and podman-compose's --requires
# chains trip over one-shot services; so the steps go in the order the depends_on say, one by
# one, each checked with `podman healthcheck run` (there is no systemd timer to run them).
podman_compose down -v >/dev/null 2>&1 || true
wait_healthy() {
  local container="$1"
  for _ in $(seq 1 150); do
    podman healthcheck run "$container" >/dev/null 2>&1 && { echo "$container is healthy"; return 0; }
    sleep 2
  done
  echo "$container did not become healthy" >&2
  podman logs --tail 30 "$container" >&2 || true
  return 1
}
podman_compose up -d --no-deps temporal weir-db s3
for service in temporal weir-db s3; do wait_healthy "${project}_${service}_1"; done
podman_compose up -d --no-deps weir-migrate
migrated="$(timeout 300 podman wait "${project}_weir-migrate_1")" || migrated=timeout
[[ "$migrated" == 0 ]] || { podman logs "${project}_weir-migrate_1" >&2; echo "weir-migrate exited: $migrated" >&2; exit 1; }
podman_compose up -d --no-deps worker
for replica in 1 2; do wait_healthy "${project}_worker_${replica}"; done
podman_compose up -d --no-deps trigger
trigger="${project}_trigger_1"
status="$(timeout 900 podman wait "$trigger")" || status=timeout
echo "trigger exited: $status"
podman logs "$trigger" 2>&1 | tail -20

failed=0
[[ "$status" == 0 ]] || failed=1
# Which replica ran each task: Temporal records the worker identity (pid@host, the host being
# the container) of every started activity in the run's history.
run_id="$(podman logs "$trigger" 2>&1 | grep -oE 'run [^ ]+ succeeded' | awk '{print $2}' | tail -1)"
if [[ -n "$run_id" ]]; then
  podman exec "${project}_temporal_1" /opt/temporal workflow show --address 127.0.0.1:7233 --workflow-id "$run_id" --output json >"$state_dir/history.json"
  replicas_used="$(node -e '
    const history = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const identities = new Set(history.events.map((event) => event.activityTaskStartedEventAttributes?.identity).filter(Boolean));
    console.log([...identities].join(" "));
  ' "$state_dir/history.json")"
  echo "run $run_id: tasks ran on worker identities: $replicas_used"
  for replica in 1 2; do
    host="$(podman inspect --format '{{.Config.Hostname}}' "${project}_worker_${replica}")"
    if [[ " $replicas_used " == *"@$host "* ]]; then
      echo "${project}_worker_${replica} ($host) ran tasks of the run"
    else
      echo "${project}_worker_${replica} ($host) ran no task of the run" >&2
      failed=1
    fi
  done
else
  failed=1
fi
if ((failed)); then
  for service in temporal_1 weir-db_1 s3_1 weir-migrate_1 worker_1 worker_2; do
    echo "--- ${project}_${service}" && podman logs --tail 30 "${project}_${service}" 2>&1 || true
  done
  echo "FAILED: the run did not succeed on two workers sharing the S3 store" >&2
  exit 1
fi
echo "OK: weekly_retrain succeeded in the podman Compose stack, with tasks on both worker replicas"
