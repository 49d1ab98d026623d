#!/usr/bin/env bash
# tini_ci.sh runs the checks of tini's ci/run_build.sh (fetched at test
# time) against the binaries in BUILD_DIR, one check at a time.
#
# run_build.sh builds tini with cmake and then checks each build in one
# loop, under errexit, so its first failure stops it. Here the body of that
# loop is taken from the fetched script as it is and run for each binary
# with errexit replaced by an ERR trap, which fires on exactly the commands
# errexit would stop at; `exit` is a function that marks the check failed.
# A check is what the script announces with `echo "Testing ..."` (or
# "Checking", "Smoke test") up to its next announcement.
#
#   tini_ci.sh RUN_BUILD_SH RESULTS.jsonl BINARY...
# Environment: SOURCE_DIR (the fetched tree), BUILD_DIR.
set -uo pipefail

script=$1 results=$2
shift 2
: >"$results"

# The loop body: the lines after `for tini in ...` up to its own `done`.
body=$(awk '
  /^  for tini in / { inside = 1; next }
  inside && /^  done$/ { exit }
  inside { print }
' "$script")
if [ -z "$body" ]; then
  printf '{"id":"run_build.sh","outcome":"fail","failures":["no check loop found in %s"]}\n' "$script" >>"$results"
  exit 0
fi

# One JSON string, for names and messages written into the results.
json() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/ }
  printf '"%s"' "${s//$'\n'/ }"
}

check="" failures=() skip_reason=""
finish_check() {
  [ -n "$check" ] || return 0
  if [ -n "$skip_reason" ]; then
    printf '{"id":%s,"outcome":"skip","reason":%s}\n' "$(json "$check")" "$(json "$skip_reason")"
  elif [ ${#failures[@]} -eq 0 ]; then
    printf '{"id":%s,"outcome":"pass"}\n' "$(json "$check")"
  else
    local list="" f
    for f in "${failures[@]}"; do list+="${list:+,}$(json "$f")"; done
    printf '{"id":%s,"outcome":"fail","failures":[%s]}\n' "$(json "$check")" "$list"
  fi >>"$results"
  check="" failures=() skip_reason=""
}

run_checks() {
  local tini=$1 name
  name=$(basename "$tini")
  echo() {
    builtin echo "$@"
    case "$*" in
    Testing* | Checking* | "Smoke test"*)
      finish_check
      check="${*//$tini/$name}"
      ;;
    esac
  }
  exit() { failures+=("the script gave up here (exit ${1:-})"); }
  # hardening-check (Debian's devscripts) reads the ELF for what a C
  # toolchain's hardening flags leave there: RELRO, control-flow integrity,
  # FORTIFY_SOURCE. A static Go binary has none of them, so the check says
  # nothing about how pidone behaves; it is skipped, with that reason.
  hardening-check() {
    skip_reason="hardening-check looks for a C toolchain's hardening (RELRO, CFI), which a static Go binary does not have"
  }
  trap 'failures+=("exit status $? from: $BASH_COMMAND")' ERR
  eval "$body"
  trap - ERR
  finish_check
  unset -f echo exit hardening-check
}

# What run_build.sh sets before its loop and the loop reads.
export CC=${CC:-gcc}

# Each binary's checks run in a subshell of their own: if the script's own
# nounset or a crash ends the shell, the check it was in is recorded as
# failed, and the next binary's checks still run.
for tini in "$@"; do
  (
    trap 'failures+=("the checks stopped here: the shell exited"); finish_check' EXIT
    run_checks "$tini"
  )
done
