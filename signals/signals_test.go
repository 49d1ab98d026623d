package signals

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAcceptsNamesAndNumbers(t *testing.T) {
	for in, want := range map[string]syscall.Signal{
		"TERM": syscall.SIGTERM, "SIGTERM": syscall.SIGTERM, "sigterm": syscall.SIGTERM, "15": syscall.SIGTERM,
		"HUP": 1, "1": 1, "64": 64, "SIGCLD": syscall.SIGCHLD, "IOT": syscall.SIGABRT,
		"RTMIN": 34, "SIGRTMIN+2": 36, "RTMAX": 64, "RTMAX-1": 63, "WINCH": 28,
	} {
		got, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestParseRejectsWhatIsNotASignal(t *testing.T) {
	for in, want := range map[string]string{
		"":          `unknown signal ""`,
		"0":         `unknown signal "0" (out of range 1-64)`,
		"65":        `unknown signal "65" (out of range 1-64)`,
		"-1":        `unknown signal "-1" (out of range 1-64)`,
		"TERMS":     `unknown signal "TERMS"`,
		"SIG":       `unknown signal "SIG"`,
		"RTMIN+31":  `unknown signal "RTMIN+31"`,
		"RTMAX+1":   `unknown signal "RTMAX+1"`,
		"RTMIN-1":   `unknown signal "RTMIN-1"`,
		"RTMIN+":    `unknown signal "RTMIN+"`,
		"RTMIN+x":   `unknown signal "RTMIN+x"`,
		"1.5":       `unknown signal "1.5"`,
		"SIGTERM\n": `unknown signal "SIGTERM\n"`,
	} {
		_, err := Parse(in)
		require.Error(t, err, in)
		assert.ErrorIs(t, err, ErrUnknown)
		assert.Equal(t, want, err.Error(), in)
	}
}

func TestNameIsTheConventionalName(t *testing.T) {
	assert.Equal(t, "SIGTERM", Name(syscall.SIGTERM))
	assert.Equal(t, "SIGRTMIN", Name(34))
	assert.Equal(t, "SIGRTMIN+30", Name(64))
	assert.Equal(t, "signal 32", Name(32))
	for n := syscall.Signal(1); n <= Max; n++ {
		if n == 32 || n == 33 {
			continue
		}
		back, err := Parse(Name(n))
		require.NoError(t, err, "every name parses back")
		assert.Equal(t, n, back)
	}
}

func TestRewrite(t *testing.T) {
	var r Rewrite
	t.Run("the zero value forwards every signal unchanged", func(t *testing.T) {
		for n := syscall.Signal(1); n <= Max; n++ {
			got, ok := r.Apply(n)
			assert.True(t, ok)
			assert.Equal(t, n, got)
		}
	})
	r.Set(syscall.SIGTERM, syscall.SIGQUIT)
	r.Set(syscall.SIGHUP, Drop)
	t.Run("a rule replaces the signal", func(t *testing.T) {
		got, ok := r.Apply(syscall.SIGTERM)
		assert.True(t, ok)
		assert.Equal(t, syscall.SIGQUIT, got)
	})
	t.Run("a rule to 0 drops it", func(t *testing.T) {
		_, ok := r.Apply(syscall.SIGHUP)
		assert.False(t, ok)
		assert.True(t, r.Has(syscall.SIGHUP))
	})
	t.Run("other signals are untouched", func(t *testing.T) {
		got, ok := r.Apply(syscall.SIGINT)
		assert.True(t, ok)
		assert.Equal(t, syscall.SIGINT, got)
		assert.False(t, r.Has(syscall.SIGINT))
	})
}

func TestParseRule(t *testing.T) {
	for _, tc := range []struct {
		spec     string
		from, to syscall.Signal
		err      string
	}{
		{spec: "15:3", from: 15, to: 3},
		{spec: "TERM:QUIT", from: 15, to: 3},
		{spec: "SIGUSR1:SIGUSR2", from: 10, to: 12},
		{spec: "HUP:0", from: 1, to: Drop},
		{spec: "15", err: `rewrite rule "15": want FROM:TO, as in TERM:QUIT or 15:3`},
		{spec: "15:", err: `rewrite rule "15:": want FROM:TO, as in TERM:QUIT or 15:3`},
		{spec: "15:3:2", err: `rewrite rule "15:3:2": unknown signal "3:2"`},
		{spec: "KILL:15", err: `rewrite rule "KILL:15": SIGKILL cannot be caught, so it cannot be rewritten`},
		{spec: "STOP:15", err: `rewrite rule "STOP:15": SIGSTOP cannot be caught, so it cannot be rewritten`},
		{spec: "0:15", err: `rewrite rule "0:15": unknown signal "0" (out of range 1-64)`},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			from, to, err := ParseRule(tc.spec)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.from, from)
			assert.Equal(t, tc.to, to)
		})
	}
}

func TestNeverForwarded(t *testing.T) {
	assert.False(t, Forwardable(syscall.SIGCHLD), "SIGCHLD is pidone's cue to reap")
	assert.True(t, Forwardable(syscall.SIGTERM))
	assert.True(t, Forwardable(syscall.SIGURG), "with the runtime's preemption off, every SIGURG comes from outside")
	assert.Contains(t, Catchable(), syscall.SIGURG)
	assert.NotContains(t, Catchable(), syscall.SIGKILL)
	assert.NotContains(t, Catchable(), syscall.SIGSTOP)
	assert.NotContains(t, Catchable(), syscall.Signal(32))
	assert.False(t, Forwardable(syscall.SIGPROF), "the runtime's profiler keeps SIGPROF")
	assert.False(t, Forwardable(34), "the runtime keeps signal 34")
	assert.NotContains(t, Catchable(), syscall.SIGPROF)
	assert.NotContains(t, Catchable(), syscall.Signal(34))
	assert.Contains(t, Catchable(), syscall.Signal(35))
	assert.Contains(t, Catchable(), syscall.SIGCHLD)
	assert.Contains(t, Catchable(), syscall.Signal(64))
}
