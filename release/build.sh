#!/usr/bin/env bash
# build.sh DIST VERSION: builds the release binaries of pidone into DIST,
# one per architecture, and their SHA256SUMS.
#
# The bytes depend only on the source tree, VERSION and the Go toolchain:
# -trimpath drops the checkout's path, -buildid= the build id,
# -buildvcs=false the git state (so a tarball and a git checkout of one
# commit give the same binary), and every GOARCH's variant (GOAMD64, GOARM,
# ...), GOEXPERIMENT and GOFLAGS (from build.env) are pinned so a variable
# in the caller's environment cannot change it.
set -euo pipefail

dist=${1:?usage: build.sh DIST VERSION}
version=${2:?usage: build.sh DIST VERSION}
go=${GO:-go}
# shellcheck source=release/build.env
. "$(dirname "$0")/build.env"

# name GOARCH variant: the variant pins the instruction set the binary may
# use, at Go's own default, the oldest CPU Go supports (s390x has no knob).
platforms=(
  "amd64   amd64   GOAMD64=v1"
  "arm64   arm64   GOARM64=v8.0"
  "armv7   arm     GOARM=7"
  "386     386     GO386=sse2"
  "ppc64le ppc64le GOPPC64=power8"
  "s390x   s390x   -"
  "riscv64 riscv64 GORISCV64=rva20u64"
)

rm -rf "$dist"
mkdir -p "$dist"
for platform in "${platforms[@]}"; do
  read -r name goarch variant <<<"$platform"
  [ "$variant" = - ] && variant=GOOS=linux
  env -u GOAMD64 -u GOARM64 -u GOARM -u GO386 -u GOPPC64 -u GORISCV64 \
    CGO_ENABLED=0 GOOS=linux GOARCH="$goarch" "$variant" GOEXPERIMENT="$GOEXPERIMENT" GOFLAGS="$GOFLAGS" \
    "$go" build -trimpath -buildvcs=false \
      -ldflags="-s -w -buildid= -X main.version=$version -X runtime.godebugDefault=$GODEBUG_DEFAULT -X github.com/pidone/pidone/init.godebugDefault=$GODEBUG_DEFAULT" \
      -o "$dist/pidone-linux-$name" ./cmd/pidone
done
(cd "$dist" && sha256sum pidone-linux-* >SHA256SUMS)
