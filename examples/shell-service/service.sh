#!/bin/sh
# service.sh MODE: a shell service in three shapes, all logging to stdout.
#   work   a long-running worker: one log line per tick until SIGTERM
#   serve  a static HTTP server on $PORT (default 9000), /healthz for probes
#   batch  a one-shot job: $ITEMS items (default 5), then exit 0
set -eu

log() { echo "[shell-service] $*"; }

case "${1:-work}" in
work)
	trap 'log "SIGTERM: finishing the current tick"; exit 0' TERM INT
	log "worker started"
	while :; do
		log "tick"
		# sleep in the background and wait: the shell runs its trap at
		# once rather than after sleep ends.
		sleep "${TICK_SECONDS:-5}" &
		wait $! || true
	done
	;;
serve)
	log "serving /srv/www on port ${PORT:-9000}"
	exec httpd -f -v -p "${PORT:-9000}" -h /srv/www
	;;
batch)
	i=1
	while [ "$i" -le "${ITEMS:-5}" ]; do
		log "processed item $i"
		i=$((i + 1))
	done
	log "batch done"
	;;
*)
	echo "usage: service.sh work|serve|batch" >&2
	exit 2
	;;
esac
