#!/usr/bin/env bash
# build-with-standins.sh PIDONE_IMAGE PREFIX: builds both example images on
# a machine that cannot pull from a registry, such as the Docker suite's.
#
# The example Dockerfiles name pinned public images in ARGs (PIDONE_IMAGE,
# GO_IMAGE, BUSYBOX_IMAGE); this script builds local stand-ins for the base
# images from Debian's busybox-static and the host's Go, passes them and
# PIDONE_IMAGE (a locally built release image holding /pidone) as build
# args, and builds with --network none. Images: PREFIX/busybox:standin,
# PREFIX/golang:standin, PREFIX/go-service:test, PREFIX/shell-service:test.
# The caller removes them (docker rmi).
set -euo pipefail
pidone_image=${1:?usage: build-with-standins.sh PIDONE_IMAGE PREFIX}
prefix=${2:?usage: build-with-standins.sh PIDONE_IMAGE PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
goroot=$(go env GOROOT)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# busybox: every applet as a symlink, and the users the examples run as.
mkdir -p "$tmp/busybox/bin" "$tmp/busybox/etc" "$tmp/busybox/tmp"
cp /bin/busybox "$tmp/busybox/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$tmp/busybox/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$tmp/busybox/etc/passwd"
chmod 1777 "$tmp/busybox/tmp"
printf 'FROM scratch\nCOPY / /\n' >"$tmp/busybox/Dockerfile"
docker build -q --network none -t "$prefix/busybox:standin" "$tmp/busybox"

# golang: busybox plus the host's Go toolchain, as the official image lays
# it out. GOTOOLCHAIN=local: never try to download another toolchain.
mkdir -p "$tmp/golang"
cp -a "$goroot" "$tmp/golang/go"
printf 'FROM %s\nCOPY go /usr/local/go\nENV PATH=/usr/local/go/bin:/bin HOME=/root GOTOOLCHAIN=local\n' \
  "$prefix/busybox:standin" >"$tmp/golang/Dockerfile"
docker build -q --network none -t "$prefix/golang:standin" "$tmp/golang"

docker build -q --network none -t "$prefix/go-service:test" \
  --build-arg PIDONE_IMAGE="$pidone_image" --build-arg GO_IMAGE="$prefix/golang:standin" \
  "$here/go-service"
docker build -q --network none -t "$prefix/shell-service:test" \
  --build-arg PIDONE_IMAGE="$pidone_image" --build-arg BUSYBOX_IMAGE="$prefix/busybox:standin" \
  "$here/shell-service"
