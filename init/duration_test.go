package supervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]Duration{
		"0": 0, "5": 5 * Second, "0.25": 250 * Millisecond, "2.": 2 * Second,
		"500ms": 500 * Millisecond, "5s": 5 * Second, "1m": Minute, "1m30s": 90 * Second,
		"1.5h": 90 * Minute, "100us": 100 * Microsecond, "100µs": 100 * Microsecond, "7ns": 7,
		"0s": 0, "0.3s": 300 * Millisecond, "1.000000001s": Second + 1, "0.0000000019s": 1,
	} {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "-1", "-1s", "s", "5x", "1e3", "inf", "NaN", "0x10", ".", "1..2s", "5 s", "1m-30s", "9999999999h"} {
		_, err := ParseDuration(bad)
		assert.EqualError(t, err, "not a duration (like 500ms, 5s, 1m30s, or plain seconds)", bad)
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[Duration]string{
		0: "0s", 2 * Second: "2s", 1500 * Millisecond: "1.5s", 250 * Millisecond: "250ms", 90 * Second: "90s", 7: "7ns",
	} {
		assert.Equal(t, want, d.String())
	}
}
