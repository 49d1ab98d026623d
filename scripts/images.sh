#!/usr/bin/env bash
# images.sh builds the images the Docker suite and `make demo` use, from the
# current bin/pidone and Debian's static busybox. No image is pulled.
#
#   pidone-test-busybox:latest  busybox alone (the base of the app image)
#   pidone-test:latest          busybox and /pidone (Dockerfile.test)
#   pidone-release:latest       only /pidone and LICENSE (Dockerfile)
#   pidone-test-app:latest      the COPY --from= pattern (integration/testdata/app.Dockerfile)
set -euo pipefail
cd "$(dirname "$0")/.."

busybox=${BUSYBOX:-/bin/busybox}
[ -x bin/pidone ] || { echo "images: bin/pidone is missing; run make build" >&2; exit 1; }
[ -x "$busybox" ] || { echo "images: $busybox is missing; apt-get install busybox-static" >&2; exit 1; }
cp "$busybox" bin/busybox

# The classic builder needs nothing beyond the engine; BuildKit needs buildx,
# which Debian's docker.io does not ship.
if docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=1
else
  export DOCKER_BUILDKIT=0
fi

# Without a network, as every container here; quiet unless it fails: the
# legacy builder prints a deprecation notice on every build.
build() {
  local out
  if ! out=$(docker build --quiet --network none "$@" 2>&1); then
    echo "$out" >&2
    echo "images: docker build $* failed" >&2
    return 1
  fi
}

build --target busybox -t pidone-test-busybox:latest -f Dockerfile.test .
build -t pidone-test:latest -f Dockerfile.test .
build -t pidone-release:latest -f Dockerfile .
build -t pidone-test-app:latest -f integration/testdata/app.Dockerfile integration/testdata
echo "images: pidone-test-busybox pidone-test pidone-release pidone-test-app built from bin/pidone"
