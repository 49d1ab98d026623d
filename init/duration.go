package supervisor

import (
	"errors"
	"strconv"
	"strings"
)

// Duration is a span of time in nanoseconds, read and written as Go's
// time.Duration is ("500ms", "1m30s"). pidone keeps its own: importing
// package time makes the binary 110 KB larger, for a grace period and a
// sleep.
type Duration int64

// Units of Duration.
const (
	Nanosecond  Duration = 1
	Microsecond          = 1000 * Nanosecond
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
)

var units = []struct {
	name string
	size Duration
}{
	{"ns", Nanosecond}, {"us", Microsecond}, {"µs", Microsecond}, {"ms", Millisecond},
	{"s", Second}, {"m", Minute}, {"h", Hour},
}

// errDuration is the one complaint about a malformed duration.
var errDuration = errors.New("not a duration (like 500ms, 5s, 1m30s, or plain seconds)")

// ParseDuration reads Go's form ("500ms", "5s", "1m30s", "1.5h") or plain
// seconds ("5", "0.25"). Negative durations are refused.
func ParseDuration(s string) (Duration, error) {
	if s == "" {
		return 0, errDuration
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil && isDecimal(s) {
		return fromFloat(secs, Second)
	}
	var total Duration
	for s != "" {
		n := 0
		for n < len(s) && (s[n] == '.' || s[n] >= '0' && s[n] <= '9') {
			n++
		}
		value, err := strconv.ParseFloat(s[:n], 64)
		if n == 0 || err != nil {
			return 0, errDuration
		}
		s = s[n:]
		unit := longestUnit(s)
		if unit < 0 {
			return 0, errDuration
		}
		d, err := fromFloat(value, units[unit].size)
		if err != nil || total+d < total {
			return 0, errDuration
		}
		total += d
		s = s[len(units[unit].name):]
	}
	return total, nil
}

// isDecimal accepts digits and one dot: ParseFloat alone would also take
// "1e3", "inf" and "0x10".
func isDecimal(s string) bool {
	return strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1 && s != "."
}

func longestUnit(s string) int {
	best := -1
	for i, u := range units {
		if strings.HasPrefix(s, u.name) && (best < 0 || len(u.name) > len(units[best].name)) {
			best = i
		}
	}
	return best
}

// maxDuration is about 292 years.
const maxDuration = Duration(1<<63 - 1)

func fromFloat(value float64, unit Duration) (Duration, error) {
	if value < 0 || value*float64(unit) >= float64(maxDuration) {
		return 0, errDuration
	}
	return Duration(value * float64(unit)), nil
}

// String writes d the way a person reads it: "2s", "1.5s", "250ms", "0s".
func (d Duration) String() string {
	switch {
	case d == 0:
		return "0s"
	case d%Second == 0:
		return strconv.FormatInt(int64(d/Second), 10) + "s"
	case d >= Second:
		return strconv.FormatFloat(float64(d)/float64(Second), 'f', -1, 64) + "s"
	case d%Millisecond == 0:
		return strconv.FormatInt(int64(d/Millisecond), 10) + "ms"
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}
