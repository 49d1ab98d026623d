package supervisor

import (
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The test binary stands in for pidone as the listen stage: the stage is
// /proc/self/exe run again.
func TestMain(m *testing.M) {
	if os.Args[0] == ListenStage {
		os.Exit(RunListenStage(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func TestSocketsAreForUsOnlyWhenLISTEN_PIDNamesUs(t *testing.T) {
	own := "LISTEN_PID=" + strconv.Itoa(syscall.Getpid())
	assert.True(t, socketsForUs([]string{"A=1", "LISTEN_FDS=2", own}))
	assert.False(t, socketsForUs([]string{"LISTEN_FDS=2", "LISTEN_PID=1"}), "another process's")
	assert.False(t, socketsForUs([]string{own}), "no sockets")
	assert.False(t, socketsForUs([]string{"LISTEN_FDS=2"}), "for nobody named")
	assert.False(t, socketsForUs([]string{"LISTEN_FDS=2", "LISTEN_PID=me"}))
}

func TestTheChildOfSocketActivationSeesItsOwnPid(t *testing.T) {
	env := append(os.Environ(), "LISTEN_FDS=1", "LISTEN_PID="+strconv.Itoa(syscall.Getpid()))
	check := `[ "$LISTEN_PID" = $$ ] && [ "$LISTEN_FDS" = 1 ] && exit 5; exit 1`
	assert.Equal(t, 5, runHere(Config{Command: sh(check), Env: env}),
		"through the stage, LISTEN_PID names the child")
	forOther := append(os.Environ(), "LISTEN_FDS=1", "LISTEN_PID=1")
	assert.Equal(t, 1, runHere(Config{Command: sh(check), Env: forOther}), "sockets for another process are left as they are")

	t.Run("a command the stage cannot start is reported as any other", func(t *testing.T) {
		var line string
		cfg := Config{Command: []string{"/no/such/file"}, Env: env,
			StartFailureLine: func(command, strerror string) string { line = command + ": " + strerror; return line }}
		assert.Equal(t, ExitNotFound, runHere(cfg))
		assert.Equal(t, "/no/such/file: No such file or directory", line)
	})
	t.Run("a script without #! runs with the shell there too", func(t *testing.T) {
		script := t.TempDir() + "/script"
		assert.NoError(t, os.WriteFile(script, []byte("exit 6\n"), 0o755))
		assert.Equal(t, 6, runHere(Config{Command: []string{script}, Env: env}))
	})
}

func TestStrerrorIsTheCLibrarysText(t *testing.T) {
	for err, want := range map[error]string{
		errNotFound:          "No such file or directory",
		syscall.ENOENT:       "No such file or directory",
		syscall.EACCES:       "Permission denied",
		syscall.ENOEXEC:      "Exec format error",
		syscall.E2BIG:        "Argument list too long",
		syscall.ETXTBSY:      "Text file busy",
		syscall.ENOTDIR:      "Not a directory",
		syscall.EISDIR:       "Is a directory",
		syscall.ELOOP:        "Too many levels of symbolic links",
		syscall.ENOMEM:       "Cannot allocate memory",
		syscall.EAGAIN:       "Resource temporarily unavailable",
		syscall.EPERM:        "Operation not permitted",
		syscall.ENAMETOOLONG: "File name too long",
	} {
		assert.Equal(t, want, (&spawnError{"x", err}).strerror())
	}
}
