// Package engines runs pidone as the init of the real container engines,
// started the way a user starts them: a Docker daemon of the suite's own
// whose init-path is pidone (`docker run --init`), Podman with pidone as
// its init_path and as a pod's infra container, and pidone as Kubernetes'
// pause, PID 1 of a shared PID namespace made with unshare. Every engine
// keeps its state in the suite's own directories (testdata/daemon.json,
// containers.conf, storage.conf), so the host's engines and their state
// stay as they are; where an engine cannot start here, its tests are
// skipped with the reason.
//
// The tests are behind the build tag `engines`, and run from make engines:
// go test -tags engines ./integration/engines/
package engines
