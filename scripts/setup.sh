#!/usr/bin/env bash
# setup.sh installs, on Debian, everything the project's commands use, and
# makes sure a Docker engine answers. make demo, test, bench and torture run
# it first. It is idempotent and says nothing when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# What each package is for:
#   busybox-static   the static /bin/busybox in every test image
#   tini dumb-init catatonit
#                    the tools pidone stands in for: the differential tests'
#                    anchors and the benchmark's peers
#   gcc libc6-dev    the static C child of the benchmark and torture loops
#   qemu-user-static the release binaries of other architectures, run
#   util-linux       unshare, for PID-1 tests without Docker
#   procps perl file ps and pgrep; the release checks' tools
#   python3-pytest python3-pytest-timeout python3-psutil python3-prctl
#                    make compat: what dumb-init's and tini's own suites import
#   strace           holds pidone at a system call in the start-up window test
#   minisign help2man openssl
#                    make release: the signature of SHA256SUMS, the man page
#                    from --help, the apk key's public half
#   skopeo lintian man-db
#                    make release-test: the OCI archive into Docker, the .deb
#                    checks, man -l
#   podman           make engines: pidone as Podman's --init and a pod's infra
packages=(busybox-static tini dumb-init catatonit gcc libc6-dev qemu-user-static
  util-linux procps perl file
  python3-pytest python3-pytest-timeout python3-psutil python3-prctl strace
  minisign help2man openssl skopeo lintian man-db podman)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${missing[*]}; run as root, or apt-get install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: apt-get could not install ${missing[*]}" >&2
    exit 1
  fi
fi

# Without an engine, make demo stops and the Docker tests are skipped with
# the reason; everything else can still run.
scripts/engine.sh || echo "setup: no Docker engine; the Docker tests will be skipped" >&2
