// Package integration runs pidone as PID 1 of real Docker containers, the
// way users run it, and checks the behaviours the project exists for: the
// `sleep 10000` hang and its fix, exit codes, reaping, draining, signals
// from `docker kill` and from an attached `docker run`, a terminal, a
// non-root read-only container, and the COPY --from= image pattern.
//
// The tests need a Docker engine (`make engine`) and build their images
// from the current bin/pidone (`make images`); they are behind the build
// tag `integration`: go test -tags integration ./integration/...
package integration
