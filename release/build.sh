#!/usr/bin/env bash
# build.sh DIST VERSION: builds pidone's release into DIST: a static binary
# per architecture, a multi-arch OCI image (a layout in DIST/oci and the
# same as an oci-archive), a .deb and an .apk per architecture, an SBOM per
# binary, SHA256SUMS over all of it and SHA256SUMS.minisig.
# build.sh --binaries DIST VERSION builds the binaries and SHA256SUMS only,
# for any VERSION, with no key and from any tree (make qemu-test).
#
# A release refuses, in one line and before it builds anything: a VERSION
# that is not vMAJOR.MINOR.PATCH[-(alpha|beta|pre|rc)N] (the one form that
# semver, Debian, Alpine and an OCI tag all take as it is) or that
# CHANGELOG.md has no section for; a git checkout with uncommitted changes;
# a missing or unusable key. It takes from the environment:
#   PIDONE_SIGNING_KEY      minisign secret key that signs SHA256SUMS
#   PIDONE_SIGNING_PASSWORD_FILE, or PIDONE_SIGNING_PASSWORD
#                           its password, when it has one
#   PIDONE_APK_KEY          RSA private key (PEM) that signs the .apk files
#   PIDONE_APK_KEY_PASSWORD its passphrase, when it has one
#   SOURCE_DATE_EPOCH, PIDONE_REVISION
#                           the commit's time and hash, needed only outside
#                           a git checkout (a tarball of the commit); in one,
#                           git says them
#   PIDONE_RELEASE_TOOLS    a directory with nfpm, cyclonedx-gomod and
#                           ociindex built from release/tools (else built here)
#
# The bytes depend only on the source tree, VERSION, the keys and the Go
# toolchain: -trimpath drops the checkout's path, -buildid= the build id,
# -buildvcs=false the git state (so a tarball and a git checkout of one
# commit give the same binary), and every GOARCH's variant (GOAMD64, GOARM,
# ...), GOEXPERIMENT and GOFLAGS (from build.env) are pinned so a variable
# in the caller's environment cannot change it. Every time stamp in the
# image, the packages and the man page is the commit's time.
set -euo pipefail

die() { echo "release: $*" >&2; exit 1; }

binaries_only=false
[ "${1:-}" != --binaries ] || { binaries_only=true; shift; }
usage="usage: build.sh [--binaries] DIST VERSION"
dist=${1:?$usage}
version=${2:?$usage}
case $dist in /*) ;; *) dist=$PWD/$dist ;; esac
root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"
go=${GO:-go}
# shellcheck source=release/build.env
. release/build.env

source_url=https://github.com/pidone/pidone
license=MIT
maintainer='pidone authors <pidone@users.noreply.github.com>'
# release/nfpm.yaml names the key so in the packages' signatures.
apk_key_name=pidone.rsa.pub

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- what a release is made from, checked before anything is built --------

if ! $binaries_only; then
  semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(alpha|beta|pre|rc)[0-9]+)?$'
  [[ $version =~ $semver ]] ||
    die "VERSION \"$version\" is not a release version: vMAJOR.MINOR.PATCH or vMAJOR.MINOR.PATCH-rcN (make release VERSION=v0.1.0)"
  prerelease=${BASH_REMATCH[5]}
  section="^## ${version//./\\.}( |$)"
  grep -Eq "$section" CHANGELOG.md || { [ -n "$prerelease" ] && grep -Eq '^## Unreleased( |$)' CHANGELOG.md; } ||
    die "CHANGELOG.md has no \"## $version\" section: write the release's notes there first"

  if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$root" ]; then
    [ -z "$(git status --porcelain)" ] ||
      die "the work tree has uncommitted changes (git status): a release is built from a commit"
    revision=$(git rev-parse HEAD)
    epoch=$(git log -1 --format=%ct HEAD)
  else
    revision=${PIDONE_REVISION:-}
    epoch=${SOURCE_DATE_EPOCH:-}
    [ -n "$revision" ] && [ -n "$epoch" ] ||
      die "not a git checkout: set PIDONE_REVISION and SOURCE_DATE_EPOCH to the commit's hash and commit time"
  fi
  [[ $revision =~ ^[0-9a-f]{40}$ ]] || die "the revision \"$revision\" is not a full commit hash"
  [[ $epoch =~ ^[0-9]+$ ]] || die "SOURCE_DATE_EPOCH \"$epoch\" is not a number of seconds"
  export SOURCE_DATE_EPOCH=$epoch

  for tool in minisign openssl help2man gzip; do
    command -v "$tool" >/dev/null || die "$tool is missing: make setup installs it"
  done

  [ -n "${PIDONE_SIGNING_KEY:-}" ] ||
    die "PIDONE_SIGNING_KEY is not set: it names the minisign secret key that signs SHA256SUMS (minisign -G makes one)"
  [ -r "$PIDONE_SIGNING_KEY" ] || die "PIDONE_SIGNING_KEY: cannot read $PIDONE_SIGNING_KEY"
  password=${PIDONE_SIGNING_PASSWORD:-}
  if [ -n "${PIDONE_SIGNING_PASSWORD_FILE:-}" ]; then
    password=$(head -n 1 "$PIDONE_SIGNING_PASSWORD_FILE") ||
      die "PIDONE_SIGNING_PASSWORD_FILE: cannot read $PIDONE_SIGNING_PASSWORD_FILE"
  fi
  # The public key, recreated from the secret one, proves key and password
  # work before the build; minisign reads the password from stdin.
  printf '%s\n' "$password" | minisign -R -s "$PIDONE_SIGNING_KEY" -p "$work/minisign.pub" >/dev/null 2>&1 ||
    die "PIDONE_SIGNING_KEY: minisign cannot open $PIDONE_SIGNING_KEY (not a minisign secret key, or the wrong password)"

  [ -n "${PIDONE_APK_KEY:-}" ] ||
    die "PIDONE_APK_KEY is not set: it names the RSA private key that signs the .apk packages (openssl genrsa makes one)"
  [ -r "$PIDONE_APK_KEY" ] || die "PIDONE_APK_KEY: cannot read $PIDONE_APK_KEY"
  export PIDONE_APK_KEY_PASSWORD=${PIDONE_APK_KEY_PASSWORD:-}
  openssl rsa -in "$PIDONE_APK_KEY" -passin env:PIDONE_APK_KEY_PASSWORD -pubout -out "$work/$apk_key_name" 2>/dev/null ||
    die "PIDONE_APK_KEY: openssl cannot read an RSA key from $PIDONE_APK_KEY (or the passphrase is wrong)"
fi

# --- the binaries ----------------------------------------------------------

# name GOARCH variant nfpm-arch: the variant pins the instruction set the
# binary may use, at Go's own default, the oldest CPU Go supports (s390x
# has no knob); nfpm turns its architecture name into Debian's and
# Alpine's (arm7: armhf and armv7).
platforms=(
  "amd64   amd64   GOAMD64=v1         amd64"
  "arm64   arm64   GOARM64=v8.0       arm64"
  "armv7   arm     GOARM=7            arm7"
  "386     386     GO386=sse2         386"
  "ppc64le ppc64le GOPPC64=power8     ppc64le"
  "s390x   s390x   -                  s390x"
  "riscv64 riscv64 GORISCV64=rva20u64 riscv64"
)

rm -rf "$dist"
mkdir -p "$dist"
# The seven builds share nothing but the toolchain's cache: each links on
# its own, so they run side by side.
pids=()
for platform in "${platforms[@]}"; do
  read -r name goarch variant _ <<<"$platform"
  [ "$variant" = - ] && variant=GOOS=linux
  env -u GOAMD64 -u GOARM64 -u GOARM -u GO386 -u GOPPC64 -u GORISCV64 \
    CGO_ENABLED=0 GOOS=linux GOARCH="$goarch" "$variant" GOEXPERIMENT="$GOEXPERIMENT" GOFLAGS="$GOFLAGS" \
    "$go" build -trimpath -buildvcs=false \
    -ldflags="-s -w -buildid= -X main.version=$version -X runtime.godebugDefault=$GODEBUG_DEFAULT -X github.com/pidone/pidone/init.godebugDefault=$GODEBUG_DEFAULT" \
    -o "$dist/pidone-linux-$name" ./cmd/pidone >"$work/build-$name.log" 2>&1 &
  pids+=("$!:$name")
done
for job in "${pids[@]}"; do
  wait "${job%%:*}" || { cat "$work/build-${job#*:}.log" >&2; die "go build for ${job#*:} failed"; }
done

if $binaries_only; then
  (cd "$dist" && sha256sum pidone-linux-* >SHA256SUMS)
  exit 0
fi

# --- tools -----------------------------------------------------------------

tools=${PIDONE_RELEASE_TOOLS:-$work/tools}
[ -n "${PIDONE_RELEASE_TOOLS:-}" ] || "$go" -C release/tools build -trimpath -buildvcs=false -o "$tools/" tool
for tool in nfpm cyclonedx-gomod ociindex; do
  [ -x "$tools/$tool" ] || die "PIDONE_RELEASE_TOOLS: no $tool in $tools"
done
# cyclonedx-gomod reads a binary's modules through `go version -m`.
PATH=$(dirname "$(command -v "$go")"):$PATH

# --- packages, SBOMs and the image -------------------------------------------

# logged CMD...: runs CMD with its output kept in a log, shown if it fails.
logged() { "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; return 1; }; }

# The man page is `pidone --help` and `--version` as help2man renders them,
# so it says what the binary says. It runs the binary of this host.
host=$("$go" env GOHOSTARCH)
[ "$host" != arm ] || host=armv7
[ -x "$dist/pidone-linux-$host" ] || die "no release binary runs on this host ($host) to render the man page from"
stage=$work/stage
mkdir -p "$stage"
LC_ALL=C help2man --no-info --no-discard-stderr --section=1 --source="pidone $version" \
  --name="tiny static init for containers" "$dist/pidone-linux-$host" | gzip -9n >"$stage/pidone.1.gz" ||
  die "help2man could not render pidone --help"
gzip -9n <CHANGELOG.md >"$stage/changelog.gz"
cp LICENSE "$stage/copyright"
cp release/nfpm.yaml release/lintian-overrides "$stage/"

# The Debian changelog has the one entry Debian needs for this version and
# points to the project's own changelog, which both packages carry whole.
deb_version=${version#v}
deb_version=${deb_version/-/\~}-1
yaml_quote() { printf "'%s'" "${1//\'/\'\'}"; }
cat >"$stage/changelog.yml" <<CHANGELOG
- semver: $(yaml_quote "$deb_version")
  date: $(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
  packager: $(yaml_quote "$maintainer")
  deb:
    urgency: low
    distributions: [stable]
  changes:
    - note: $(yaml_quote "pidone $version: see /usr/share/doc/pidone/changelog.gz for what changed")
CHANGELOG

for platform in "${platforms[@]}"; do
  read -r name _ _ nfpm_arch <<<"$platform"
  binary=$dist/pidone-linux-$name
  for packager in deb apk; do
    (cd "$stage" && logged env NFPM_ARCH="$nfpm_arch" PIDONE_VERSION="$version" PIDONE_BINARY="$binary" \
      PIDONE_MAINTAINER="$maintainer" PIDONE_SOURCE="$source_url" NFPM_APK_PASSPHRASE="$PIDONE_APK_KEY_PASSWORD" \
      "$tools/nfpm" package --config nfpm.yaml --packager "$packager" --target "$dist/") ||
      die "nfpm could not make the $name $packager"
  done
  # A serial number made from the binary's digest: the same binary always
  # gets the same SBOM, and two binaries never share one.
  h=$(sha256sum "$binary" | cut -c1-32)
  serial=${h:0:8}-${h:8:4}-5${h:13:3}-8${h:17:3}-${h:20:12}
  logged "$tools/cyclonedx-gomod" bin -json -std -notimestamp -serial "$serial" -version "$version" \
    -output "$binary.cdx.json" "$binary" || die "cyclonedx-gomod could not describe $binary"
done

index=$("$tools/ociindex" -dist "$dist" -layout "$dist/oci" \
  -version "$version" -revision "$revision" -source "$source_url" -licenses "$license") ||
  die "ociindex could not write the image"
# The oci-archive is the layout in one tar whose bytes depend only on the
# layout's: names sorted, entries root's, files 0644, every time the commit's.
tar -C "$dist/oci" -cf "$dist/pidone-$version.oci.tar" --format=ustar --blocking-factor=1 --sort=name \
  --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --mode=a-x,a+rX,u+w blobs index.json oci-layout ||
  die "GNU tar could not pack the layout into the oci-archive"

# --- checksums and their signature -------------------------------------------

mv "$work/minisign.pub" "$work/$apk_key_name" "$dist/"
(cd "$dist" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum >"$work/SHA256SUMS" && mv "$work/SHA256SUMS" SHA256SUMS)
# The trusted comment is fixed (minisign's default holds the time), so one
# key signs one SHA256SUMS into the same bytes every time.
printf '%s\n' "$password" | minisign -S -s "$PIDONE_SIGNING_KEY" -m "$dist/SHA256SUMS" -x "$dist/SHA256SUMS.minisig" \
  -c "signature of pidone $version's SHA256SUMS" -t "pidone $version SHA256SUMS" >/dev/null 2>&1 ||
  die "minisign could not sign SHA256SUMS"
minisign -V -q -p "$dist/minisign.pub" -m "$dist/SHA256SUMS" -x "$dist/SHA256SUMS.minisig" ||
  die "SHA256SUMS.minisig does not verify with $dist/minisign.pub"

echo "release: $version in $dist: $(wc -l <"$dist/SHA256SUMS") files in SHA256SUMS, signed; image index $index"
