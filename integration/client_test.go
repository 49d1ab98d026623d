//go:build integration

package integration

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// client is an attached `docker run`, as a user types it in a shell: the
// client process streams the container's output and, unless told otherwise,
// proxies the signals it receives to the container.
type client struct {
	*container
	cmd    *exec.Cmd
	output *pt.Output
	exited chan struct{} // closed when the client process has ended
}

// attach starts `docker run` (not detached) without a network, and removes
// the container and the client when the test ends.
func attach(t *testing.T, parts ...[]string) *client {
	t.Helper()
	return runClient(t, nil, func(cmd *exec.Cmd, output *pt.Output) {
		cmd.Stdout, cmd.Stderr = output, output
	}, parts)
}

// runClient starts `docker run` with flags, without a network, after
// connect has given the client its standard streams, and removes the
// container and the client when the test ends.
func runClient(t *testing.T, flags []string, connect func(*exec.Cmd, *pt.Output), parts [][]string) *client {
	t.Helper()
	requireEngine(t)
	c := &client{
		container: machineDocker.Named(t),
		output:    &pt.Output{},
		exited:    make(chan struct{}),
	}
	args := append(append([]string{"run"}, flags...), "--network", "none", "--name", c.Name)
	for _, part := range parts {
		args = append(args, part...)
	}
	c.cmd = exec.Command("docker", args...)
	connect(c.cmd, c.output)
	require.NoError(t, c.cmd.Start())
	go func() {
		c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

// waitForOutput waits until the container's output, as the client shows
// it, holds line.
func (c *client) waitForOutput(line string) {
	c.T.Helper()
	require.Eventually(c.T, func() bool { return pt.HasLine(c.output.String(), line) }, patience, poll,
		"client never showed %q; it showed:\n%s", line, c.output.String())
}

// signal sends sig to the client process, as a terminal or a process
// manager would.
func (c *client) signal(sig syscall.Signal) {
	c.T.Helper()
	require.NoError(c.T, c.cmd.Process.Signal(sig))
}

func (c *client) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// exitCode waits for the client to end and returns its exit code; a client
// killed by a signal fails the test, since docker run reports the
// container's code as its own.
func (c *client) exitCode() int {
	c.T.Helper()
	select {
	case <-c.exited:
	case <-time.After(patience):
		require.FailNow(c.T, "docker run did not exit", "it showed:\n%s", c.output.String())
	}
	status := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.False(c.T, status.Signaled(), "docker run was killed by %v", status.Signal())
	return status.ExitStatus()
}
