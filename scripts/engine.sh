#!/usr/bin/env bash
# engine.sh makes sure a Docker engine answers: a running one is left alone;
# on a fresh machine, Debian's docker.io is installed and dockerd started in
# the background. The Docker suite must never find no engine and skip.
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/pidone-dockerd.log}
limit=${ENGINE_WAIT_SECONDS:-120}

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "engine: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

# The package may have started the service itself (where systemd runs);
# otherwise start dockerd. A dockerd already starting up keeps its pidfile,
# and a second one exits at once, so this start is harmless either way.
# DOCKERD_ARGS adds flags, e.g. to try this script against a second engine.
if ! docker info >/dev/null 2>&1; then
  echo "engine: starting dockerd (log: $log)"
  # shellcheck disable=SC2086
  nohup dockerd ${DOCKERD_ARGS:-} >"$log" 2>&1 &
  started=$!
fi

for _ in $(seq "$limit"); do
  if docker info >/dev/null 2>&1; then
    echo "engine: docker answers"
    exit 0
  fi
  # Ours died and no other dockerd is coming up: waiting longer cannot help.
  if [ -n "${started:-}" ] && ! kill -0 "$started" 2>/dev/null && ! pgrep -x dockerd >/dev/null; then
    break
  fi
  sleep 1
done

echo "engine: docker did not answer within ${limit}s; last lines of $log:" >&2
tail -n 30 "$log" >&2 2>/dev/null || true
exit 1
