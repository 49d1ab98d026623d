//go:build integration

package integration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// readSignalState is a command that prints its own blocked and ignored
// signal masks.
var readSignalState = []string{"grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"}

// pidone is transparent to the signal state: the command starts with the
// same blocked and ignored signals as it would as PID 1 itself.
func TestChildStartsWithTheSignalStateDockerGives(t *testing.T) {
	t.Parallel()
	bare := start(t, withoutPidone(readSignalState...))
	under := start(t, withPidone(append([]string{"--"}, readSignalState...)...))
	assert.Equal(t, 0, bare.ExitCode())
	assert.Equal(t, 0, under.ExitCode())

	want := strings.TrimSpace(bare.Logs())
	assert.Equal(t, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000", want, "docker starts PID 1 with nothing blocked or ignored")
	assert.Equal(t, want, strings.TrimSpace(under.Logs()))
}
