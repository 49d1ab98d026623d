package supervisor

import (
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// These tests run the whole supervisor in the test process, not as PID 1:
// the loop that carries out the machine's actions, with real children.
// The process tests of cmd/pidone run the binary as PID 1 of a namespace.
// They wait for states (a file the child writes), never for a time.

// runHere is Run, kept in the test's working directory: Run moves the
// whole test process to / once the child has started.
func runHere(cfg Config) int {
	cfg.KeepWorkingDirectory = true
	return Run(cfg)
}

// runInBackground runs cfg and returns a channel with its exit code.
func runInBackground(cfg Config) <-chan int {
	code := make(chan int, 1)
	go func() { code <- runHere(cfg) }()
	return code
}

// waitForFile waits until the child has written path.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(path)
		return err == nil
	}, time.Minute, 5*time.Millisecond, "the child never wrote %s", path)
}

// result waits for Run's exit code, with a limit generous enough for a
// stalled machine.
func result(t *testing.T, code <-chan int) int {
	t.Helper()
	select {
	case c := <-code:
		return c
	case <-time.After(2 * time.Minute):
		t.Fatal("Run did not return")
		return -1
	}
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func TestRunReturnsTheChildsExitCode(t *testing.T) {
	assert.Equal(t, 3, runHere(Config{Command: sh("exit 3"), Grace: Second}))
	assert.Equal(t, 0, runHere(Config{Command: []string{"true"}, Grace: Second}), "found in PATH")
	assert.Equal(t, 0, runHere(Config{Command: sh("exit 3"), SuccessCodes: []int{3}, Verbosity: lifecycle}), "tini -e")
}

func TestRunReportsACommandThatCannotStart(t *testing.T) {
	dir := t.TempDir()
	notExecutable := filepath.Join(dir, "script")
	require.NoError(t, os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644))

	assert.Equal(t, ExitNotFound, runHere(Config{Command: []string{"pidone-no-such-command"}}))
	assert.Equal(t, ExitNotFound, runHere(Config{Command: []string{filepath.Join(dir, "missing")}}))
	assert.Equal(t, ExitCannotExecute, runHere(Config{Command: []string{notExecutable}}))
	assert.Equal(t, ExitCannotExecute, runHere(Config{Command: []string{dir}}), "a directory")
	assert.Equal(t, 2, runHere(Config{Command: []string{"pidone-no-such-command"}, ExecFailureCode: 2}), "dumb-init's code")

	t.Run("a program found only without execute permission is refused, as execvp does", func(t *testing.T) {
		t.Setenv("PATH", dir+"::"+dir)
		assert.Equal(t, ExitCannotExecute, runHere(Config{Command: []string{"script"}}))
	})
}

func TestRunForwardsASignalToTheChildsGroup(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	code := runInBackground(Config{Command: sh(`trap 'exit 7' HUP; touch ` + ready + `; while :; do sleep 0.01; done`),
		Grace: Second, Verbosity: detail})
	waitForFile(t, ready)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	assert.Equal(t, 7, result(t, code))
}

func TestRunDrainsWhatTheChildLeftBehind(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "orphan")
	// The orphan's parent exits; as a child subreaper the test process
	// inherits it, and the drain must end it for Run to return.
	code := runHere(Config{Command: sh(`sleep 1000 & echo $! >` + pidFile + `; exit 4`), Grace: 10 * Second, Verbosity: detail})
	assert.Equal(t, 4, code)
	data, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(string(data[:len(data)-1]))
	require.NoError(t, err)
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "the orphan is gone and reaped")
}

func TestRunKillsAnOrphanThatIgnoresSIGTERMWhenTheGraceIsOver(t *testing.T) {
	code := runHere(Config{Command: sh(`(trap '' TERM; exec sleep 1000) & exit 0`), Grace: 50 * Millisecond, WarnOnReap: true})
	assert.Equal(t, 0, code)
}

func TestRunKillsAChildThatOutlivesTheStopTimeout(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	code := runInBackground(Config{Command: sh(`trap '' TERM; touch ` + ready + `; while :; do sleep 0.01; done`),
		StopTimeout: 50 * Millisecond, StopDelay: Millisecond, Grace: Second, Verbosity: lifecycle})
	waitForFile(t, ready)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	assert.Equal(t, 128+int(syscall.SIGKILL), result(t, code))
}

func TestRunStartsTheChildWhereThePersonalityAsks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		session Session
		// test compares the child's process group and session with pidone's
		// (the test process's), in sh.
		test string
	}{
		{"pidone and dumb-init: a session of its own", NewSession, `[ "$(ps -o sid= -p $$)" -eq $$ ]`},
		{"tini and catatonit: a group of its own in pidone's session", OwnGroup,
			`[ "$(ps -o pgid= -p $$)" -eq $$ ] && [ "$(ps -o sid= -p $$)" -eq "$(ps -o sid= -p $PPID)" ]`},
		{"dumb-init -c: pidone's own group", SameGroup, `[ "$(ps -o pgid= -p $$)" -eq "$(ps -o pgid= -p $PPID)" ]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, 0, runHere(Config{Command: sh(tc.test), Session: tc.session, AfterMainExit: TermGroupThenExit}))
		})
	}
}

func TestRunAsksForTheParentDeathSignal(t *testing.T) {
	assert.Equal(t, 0, runHere(Config{Command: []string{"true"}, ParentDeathSignal: syscall.SIGUSR2}))
	assert.Equal(t, 0, runHere(Config{Command: []string{"true"}, ParentDeathSignal: 99, AfterMainExit: ExitAtOnce}),
		"a signal the kernel refuses is logged, and the child still runs")
}

func TestRunPausesUntilSIGINTWithNoCommand(t *testing.T) {
	t.Chdir(t.TempDir()) // pause mode leaves its directory for /
	code := make(chan int, 1)
	go func() { code <- Run(Config{Pause: true, Verbosity: detail}) }()
	// Nothing tells when the pause has asked for its signals. Until then the
	// test's own catch keeps them from killing the test process, and the
	// test sends again until the pause ends: SIGUSR1 is ignored, SIGINT
	// ends it.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGUSR1)
	var got int
	require.Eventually(t, func() bool {
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		select {
		case got = <-code:
			return true
		default:
			return false
		}
	}, time.Minute, 10*time.Millisecond, "the pause never ended")
	assert.Equal(t, 0, got)
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, "/", wd)
}

func TestASignalThatArrivesBeforeTheChildReachesItOnceStarted(t *testing.T) {
	// The child ignores the signals other tests of this process send it,
	// which may still be on their way: only the one sent here can end it.
	s := newSupervisor(Config{Command: sh(`trap '' HUP INT QUIT TERM USR1; exec sleep 1000`), Grace: Second})
	ignored := s.listen()
	// pidone has asked for its signals and has no child yet.
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGUSR2))
	require.Eventually(t, func() bool {
		s.intake.collect()
		return s.intake.pending.has(syscall.SIGUSR2)
	}, time.Minute, time.Millisecond, "the signal never reached the intake")
	// Signals an earlier test sent this process may have reached the new
	// intake too, and would reach the child before its traps are set.
	s.intake.pending &= 1 << (syscall.SIGUSR2 - 1)
	assert.Equal(t, 128+int(syscall.SIGUSR2), s.run(ignored), "the child, started after the signal, died of it")
}

func TestRunRunsAScriptWithoutAShebangWithTheShell(t *testing.T) {
	script := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(script, []byte("exit 6\n"), 0o755))
	assert.Equal(t, 6, runHere(Config{Command: []string{script}}))
}

func TestRunSparesTheGroupThatHadTheStopSignalASecondSIGTERM(t *testing.T) {
	dir := t.TempDir()
	ready, log := filepath.Join(dir, "ready"), filepath.Join(dir, "log")
	// The server counts SIGTERMs in the group, and ends once the daemon, in
	// a session of its own, has had its first. Each says when its trap is
	// set. The grace period is long: only their own ends end the drain.
	code := runInBackground(Config{Grace: 10 * 60 * Second, Command: sh(`
(trap 'echo server >>` + log + `' TERM; echo up >>` + log + `; until grep -q daemon ` + log + `; do sleep 0.01; done) &
setsid sh -c "trap 'echo daemon >>` + log + `; exit 0' TERM; echo up >>` + log + `; while :; do sleep 0.01; done" &
trap 'until grep -q server ` + log + `; do sleep 0.01; done; exit 0' TERM
until [ "$(grep -c up ` + log + ` 2>/dev/null)" = 2 ]; do sleep 0.01; done
touch ` + ready + `; while :; do sleep 0.01; done`)})
	waitForFile(t, ready)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	assert.Equal(t, 0, result(t, code))
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"up", "up", "server", "daemon"}, strings.Fields(string(data)))
}

func TestRunSurvivesABrokenStderr(t *testing.T) {
	// The test process's own stderr becomes a pipe with no reader while Run
	// runs, so that each log line fails with EPIPE and raises SIGPIPE.
	saved, err := unix.Dup(2)
	require.NoError(t, err)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	r.Close()
	require.NoError(t, unix.Dup2(int(w.Fd()), 2))
	w.Close()
	code := runHere(Config{Command: sh("exit 3"), Verbosity: detail})
	require.NoError(t, unix.Dup2(saved, 2))
	unix.Close(saved)
	assert.Equal(t, 3, code, "the child's code, not a death by SIGPIPE")
}

func TestRunMovesToTheRootOnceTheChildHasStartedWhereItWasAsked(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	where := filepath.Join(dir, "where")
	assert.Equal(t, 0, Run(Config{Command: sh("pwd >" + where)}))
	data, err := os.ReadFile(where)
	require.NoError(t, err)
	assert.Equal(t, dir+"\n", string(data), "the child starts in the caller's directory")
	cwd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, "/", cwd, "pidone keeps no mount busy")

	t.Run("unless told to keep it, as tini does", func(t *testing.T) {
		t.Chdir(dir)
		assert.Equal(t, 0, Run(Config{Command: []string{"true"}, KeepWorkingDirectory: true}))
		cwd, err := os.Getwd()
		require.NoError(t, err)
		assert.Equal(t, dir, cwd)
	})
}
