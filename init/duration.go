package supervisor

import (
	"errors"
	"strconv"
	"strings"
)

// Duration is a span of time in nanoseconds, read and written as Go's
// time.Duration is ("500ms", "1m30s"). pidone keeps its own parser because
// it also reads plain seconds ("5", "0.25") and refuses negative spans,
// where time.ParseDuration does the opposite. Size is no longer the
// reason: package time is linked in for its timers, and its parser and
// String would add 8 KB.
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
	if isDecimal(s) {
		return scaled(s, Second)
	}
	var total Duration
	for s != "" {
		n := 0
		for n < len(s) && (s[n] == '.' || s[n] >= '0' && s[n] <= '9') {
			n++
		}
		unit := longestUnit(s[n:])
		if n == 0 || unit < 0 {
			return 0, errDuration
		}
		d, err := scaled(s[:n], units[unit].size)
		if err != nil || total+d < total {
			return 0, errDuration
		}
		total += d
		s = s[n+len(units[unit].name):]
	}
	return total, nil
}

// isDecimal accepts digits with at most one dot, and at least one digit.
func isDecimal(s string) bool {
	return s != "" && s != "." && strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1
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

// scaled is number (digits with at most one dot) units long, worked out in
// integers, as package time does: floating point would make "0.3s"
// 299999999ns. Digits below a nanosecond are dropped.
func scaled(number string, unit Duration) (Duration, error) {
	if !isDecimal(number) {
		return 0, errDuration
	}
	whole, fraction, _ := strings.Cut(number, ".")
	var d Duration
	for k := 0; k < len(whole); k++ {
		digit := Duration(whole[k] - '0')
		if d > (maxDuration-digit)/10 {
			return 0, errDuration
		}
		d = d*10 + digit
	}
	if d > maxDuration/unit {
		return 0, errDuration
	}
	d *= unit
	place := unit
	for k := 0; k < len(fraction) && place >= 10; k++ {
		place /= 10
		d += Duration(fraction[k]-'0') * place // cannot overflow: below one unit in all
	}
	return d, nil
}

// String writes d the way a person reads it: "2s", "1.5s", "250ms", "0s".
func (d Duration) String() string {
	switch {
	case d == 0:
		return "0s"
	case d%Second == 0:
		return strconv.FormatInt(int64(d/Second), 10) + "s"
	case d >= Second:
		fraction := strconv.FormatInt(int64(Second+d%Second), 10)[1:] // nine digits, leading zeros kept
		return strconv.FormatInt(int64(d/Second), 10) + "." + strings.TrimRight(fraction, "0") + "s"
	case d%Millisecond == 0:
		return strconv.FormatInt(int64(d/Millisecond), 10) + "ms"
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}
