#!/usr/bin/env bash
# in-cpu-group.sh runs a command in a cpu cgroup of its own, as a container
# runtime places a container, and removes the group afterwards.
#
#   scripts/in-cpu-group.sh WHAT COMMAND...
#
# Outside any cpu cgroup, a kernel with scheduling autogroups
# (kernel.sched_autogroup_enabled=1) schedules each session as a group of
# its own, and a busy child session can then keep an idle init's session,
# and the harness beside it, off the CPU for many seconds (README: Busy
# children and the scheduler). Inside a cpu cgroup the kernel uses no
# autogroups, as in a container. Where no group can be made (no cpu
# controller, no permission), the command runs as it is, and a line naming
# WHAT says so.
set -uo pipefail
what=$1
shift

group=
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
  v1=/sys/fs/cgroup/cpu v2=/sys/fs/cgroup
  if [ -w "$v1/cgroup.procs" ]; then
    group=$v1/pidone-$what.$$
  elif grep -qw cpu "$v2/cgroup.controllers" 2>/dev/null; then
    grep -qw cpu "$v2/cgroup.subtree_control" || echo +cpu >"$v2/cgroup.subtree_control" 2>/dev/null || true
    group=$v2/pidone-$what.$$
  fi
  if [ -n "$group" ] && mkdir "$group" 2>/dev/null && echo $$ >"$group/cgroup.procs" 2>/dev/null; then
    echo "$what: in the cpu cgroup ${group#/sys/fs/cgroup/}, as in a container (the kernel's scheduling autogroups are on)"
  else
    [ -n "$group" ] && rmdir "$group" 2>/dev/null
    group=
    echo "$what: cannot make a cpu cgroup here; the kernel's scheduling autogroups can hold an idle init off the CPU for seconds"
  fi
fi

"$@"
status=$?
if [ -n "$group" ]; then
  echo $$ >"$(dirname "$group")/cgroup.procs" 2>/dev/null || true
  rmdir "$group" 2>/dev/null || true
fi
exit $status
