// Package ascii is the little text handling pidone needs, for ASCII only:
// quoting what a user typed inside a one-line error, and changing case.
// strconv.Quote and strings.ToUpper would do the same, but they bring in the
// Unicode tables, which pidone's size has no room for.
package ascii

// Quote returns s in double quotes, as Go source would write it: printable
// ASCII as it is, `"` and `\` escaped, and every other byte as \n, \t, \r or
// \xNN. The result is one line of plain ASCII whatever s holds.
func Quote(s string) string {
	const hex = "0123456789abcdef"
	quoted := make([]byte, 0, len(s)+2)
	quoted = append(quoted, '"')
	for k := 0; k < len(s); k++ {
		switch c := s[k]; {
		case c == '"' || c == '\\':
			quoted = append(quoted, '\\', c)
		case c == '\n':
			quoted = append(quoted, '\\', 'n')
		case c == '\t':
			quoted = append(quoted, '\\', 't')
		case c == '\r':
			quoted = append(quoted, '\\', 'r')
		case c < ' ' || c > '~':
			quoted = append(quoted, '\\', 'x', hex[c>>4], hex[c&0xf])
		default:
			quoted = append(quoted, c)
		}
	}
	return string(append(quoted, '"'))
}

// Upper returns s with a-z made A-Z; other bytes stay as they are.
func Upper(s string) string { return mapBytes(s, 'a', 'z', 'A'-'a') }

// Lower returns s with A-Z made a-z; other bytes stay as they are.
func Lower(s string) string { return mapBytes(s, 'A', 'Z', 'a'-'A') }

func mapBytes(s string, from, to byte, shift int) string {
	mapped := []byte(s)
	for k, c := range mapped {
		if c >= from && c <= to {
			mapped[k] = byte(int(c) + shift)
		}
	}
	return string(mapped)
}

// Atoi reads a decimal integer as strconv.Atoi does: an optional sign, then
// digits, within the range of int. ok is false for anything else. It spares
// pidone strconv's error type, whose message quotes through the Unicode
// tables.
func Atoi(s string) (n int, ok bool) {
	digits := s
	if s != "" && (s[0] == '+' || s[0] == '-') {
		digits = s[1:]
	}
	if digits == "" {
		return 0, false
	}
	const maxInt = int(^uint(0) >> 1)
	limit := uint(maxInt)
	if s[0] == '-' {
		limit++ // -maxInt-1 is an int too
	}
	var u uint
	for k := 0; k < len(digits); k++ {
		d := digits[k] - '0'
		if d > 9 || u > (limit-uint(d))/10 {
			return 0, false
		}
		u = u*10 + uint(d)
	}
	if s[0] == '-' {
		return -int(u), true
	}
	return int(u), true
}
