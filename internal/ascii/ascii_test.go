package ascii

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuoteMatchesGoForPrintableASCIIAndCommonEscapes(t *testing.T) {
	for _, s := range []string{"", "plain", `say "hi"`, `back\slash`, "line\nbreak", "tab\there", "cr\r", "del\x7f", "esc\x1b[0m", "\x00"} {
		assert.Equal(t, strconv.QuoteToASCII(s), Quote(s), "%q", s)
	}
}

func TestQuoteKeepsEveryByteOnOneASCIILine(t *testing.T) {
	assert.Equal(t, `"bell\x07"`, Quote("bell\a"))
	quoted := Quote("é\xff\u2028end")
	assert.Equal(t, `"\xc3\xa9\xff\xe2\x80\xa8end"`, quoted)
	for k := 0; k < len(quoted); k++ {
		assert.True(t, quoted[k] >= ' ' && quoted[k] <= '~', "byte %d of %s", k, quoted)
	}
}

func TestCaseChangesOnlyASCIILetters(t *testing.T) {
	assert.Equal(t, "SIGTERM-1_É", Upper("sigTerm-1_É"))
	assert.Equal(t, "true-1_é", Lower("TRUE-1_é"))
	// strings.ToUpper would turn the long s into S and accept "ſigterm".
	assert.Equal(t, "ſIGTERM", Upper("ſigterm"))
	assert.NotEqual(t, strings.ToUpper("ſigterm"), Upper("ſigterm"))
}

func TestAtoiAcceptsWhatStrconvAtoiAccepts(t *testing.T) {
	for _, s := range []string{
		"0", "7", "-7", "+7", "007", "255", "-0", "+0",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"99999999999999999999", "", "+", "-", "+-1", "1-", " 1", "1 ", "1.0", "0x10", "1e3", "٣", "12a",
	} {
		want, err := strconv.Atoi(s)
		got, ok := Atoi(s)
		assert.Equal(t, err == nil, ok, "%q", s)
		if ok {
			assert.Equal(t, want, got, "%q", s)
		}
	}
}

func FuzzAtoi(f *testing.F) {
	for _, s := range []string{"0", "-1", "+12", "9223372036854775808", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := strconv.Atoi(s)
		got, ok := Atoi(s)
		if (err == nil) != ok || ok && got != want {
			t.Fatalf("Atoi(%q) = %d, %v; strconv.Atoi: %d, %v", s, got, ok, want, err)
		}
	})
}
