//go:build integration

package integration

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// ctrlC is the terminal's interrupt character: the terminal, not the
// user, turns it into SIGINT for its foreground process group.
const (
	ctrlC = "\x03"
	ctrlZ = "\x1a" // the suspend character: SIGTSTP
)

// Scenario 7: under `docker run -t`, pidone hands the terminal to the
// command, so an interactive shell has job control: Ctrl-C interrupts its
// foreground job and Ctrl-Z suspends it, and neither reaches pidone or the
// shell.
func TestCtrlCInATerminalReachesTheForegroundJob(t *testing.T) {
	t.Parallel()
	s := attachTerminal(t, withPidone("--", "sh", "-i"))

	// pidone let go of the terminal: its tty_nr (field 7 of stat) is 0.
	s.typeCommand(`set -- $(cat /proc/1/stat); echo "pidone tty_nr=$7"`)
	s.waitForScreenLine("pidone tty_nr=0")

	s.typeCommand(`sh -c 'trap "echo job got SIGINT; exit 42" INT; echo "job in the foreground"; while :; do sleep 1; done'`)
	s.waitForScreenLine("job in the foreground")
	s.typeIn(ctrlC)
	s.waitForScreenLine("job got SIGINT")

	s.typeCommand(`echo "shell still here, job status $?"`)
	s.waitForScreenLine("shell still here, job status 42")
	assert.NotContains(t, s.output.String(), "job control turned off", "the shell got the terminal")

	s.typeCommand("sleep 10000")
	s.waitForForegroundJob("sleep 10000")
	s.typeIn(ctrlZ)
	s.typeCommand(`echo "shell back, job status $?"`)
	s.waitForScreenLine("shell back, job status 148")

	s.typeCommand("fg")
	s.waitForForegroundJob("sleep 10000")
	s.typeIn(ctrlC)
	s.typeCommand(`echo "resumed job interrupted, status $?"`)
	s.waitForScreenLine("resumed job interrupted, status 130")

	s.typeCommand("exit 3")
	assert.Equal(t, 3, s.exitCode(), "docker run exits with the shell's code")
	assert.Equal(t, 3, s.container.ExitCode())
}

// With a terminal but no one typing (`docker run -d -t`), docker stop
// still reaches the command through pidone.
func TestDockerStopWithATerminal(t *testing.T) {
	t.Parallel()
	c := start(t, dockerFlags("-t"), withPidone("--", "sleep", "10000"))
	c.WaitForProcess("sleep")
	c.Stop(30)
	assert.Equal(t, 143, c.ExitCode())
}
