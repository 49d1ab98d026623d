package supervisor

import (
	"os/signal"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These two tests check kernelSigaction against the running kernel: run
// them on each architecture the build constraint of sigaction.go names.

func TestIgnoredAtStartFindsTheIgnoredSignals(t *testing.T) {
	signal.Ignore(syscall.SIGUSR2)
	t.Cleanup(func() { signal.Reset(syscall.SIGUSR2) })

	// SIG_IGN is found only where the kernel puts the handler, and SIGUSR1,
	// with the Go runtime's handler, is the negative control.
	assert.Equal(t, []syscall.Signal{syscall.SIGUSR2},
		ignoredAtStart([]syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2}))
}

func TestKernelSigactionHoldsAllTheKernelWrites(t *testing.T) {
	// Guard bytes after the struct: a kernel struct longer than
	// kernelSigaction would overwrite them.
	const mark = 0xa5
	var buf struct {
		old   kernelSigaction
		guard [64]byte
	}
	for i := range buf.guard {
		buf.guard[i] = mark
	}
	require.NoError(t, readSigaction(syscall.SIGUSR1, &buf.old))
	for i, b := range buf.guard {
		require.Equal(t, byte(mark), b, "the kernel wrote %d bytes past the struct", i+1)
	}
}
