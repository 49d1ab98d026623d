#!/usr/bin/env bash
# demo.sh shows the hang pidone exists for: `docker stop` on `sleep 10000`,
# once with sleep as PID 1 and once under pidone.
set -euo pipefail

grace=3
name=pidone-demo-$$
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT

# stop_once runs the container, stops it, and says how long that took.
stop_once() {
  local label=$1; shift
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --network none --name "$name" "$@" >/dev/null
  local begin end code
  begin=$(date +%s%N)
  docker stop -t "$grace" "$name" >/dev/null
  end=$(date +%s%N)
  code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  printf '%-15s docker stop took %5d ms, exit code %s\n' "$label:" $(((end - begin) / 1000000)) "$code"
}

echo "docker stop -t $grace on \`sleep 10000\`:"
stop_once "without pidone" pidone-test:latest sleep 10000
stop_once "with pidone" --entrypoint /pidone pidone-test:latest -- sleep 10000
echo "(137 = SIGKILL after the whole grace period; 143 = sleep ended by the SIGTERM pidone forwarded)"
