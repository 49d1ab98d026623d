package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	supervisor "github.com/pidone/pidone/init"
)

func TestParseArgsReadsFlagsLikeGetopt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		command []string
		check   func(t *testing.T, o options)
	}{
		{"a bare command", []string{"sleep", "10"}, []string{"sleep", "10"}, nil},
		{"-- ends the options", []string{"--", "sh", "-c", "x"}, []string{"sh", "-c", "x"}, nil},
		{"the first non-option ends the options", []string{"-v", "sh", "-c", "-v"}, []string{"sh", "-c", "-v"},
			func(t *testing.T, o options) { assert.Equal(t, 1, o.config.Verbosity) }},
		{"a command named like a flag after --", []string{"--", "-v"}, []string{"-v"}, nil},
		{"a lone dash is a command", []string{"-", "x"}, []string{"-", "x"}, nil},
		{"short flags combine", []string{"-vvc", "true"}, []string{"true"},
			func(t *testing.T, o options) {
				assert.Equal(t, 2, o.config.Verbosity)
				assert.True(t, o.config.SingleChild)
			}},
		{"a short flag's value may be attached", []string{"-r15:3", "true"}, []string{"true"},
			func(t *testing.T, o options) { assert.True(t, o.config.Rewrite.Has(15)) }},
		{"a short flag's value may follow", []string{"-r", "TERM:QUIT", "true"}, []string{"true"},
			func(t *testing.T, o options) { assert.True(t, o.config.Rewrite.Has(15)) }},
		{"a short flag's value may end a cluster", []string{"-vr", "15:0", "true"}, []string{"true"},
			func(t *testing.T, o options) {
				assert.Equal(t, 1, o.config.Verbosity)
				_, forwarded := o.config.Rewrite.Apply(15)
				assert.False(t, forwarded)
			}},
		{"a long flag's value may follow =", []string{"--grace=500ms", "true"}, []string{"true"},
			func(t *testing.T, o options) { assert.Equal(t, 500*supervisor.Millisecond, o.config.Grace) }},
		{"a long flag's value may follow", []string{"--grace", "3", "true"}, []string{"true"},
			func(t *testing.T, o options) { assert.Equal(t, 3*supervisor.Second, o.config.Grace) }},
		{"a long flag may be shortened to a unique prefix", []string{"--single", "--verb", "true"}, []string{"true"},
			func(t *testing.T, o options) {
				assert.True(t, o.config.SingleChild)
				assert.Equal(t, 1, o.config.Verbosity)
			}},
		{"the grace period defaults to 2s", []string{"true"}, []string{"true"},
			func(t *testing.T, o options) { assert.Equal(t, supervisor.DefaultGrace, o.config.Grace) }},
		{"-h asks for help", []string{"-h"}, []string{},
			func(t *testing.T, o options) { assert.True(t, o.help) }},
		{"--version asks for the version", []string{"--version"}, []string{},
			func(t *testing.T, o options) { assert.True(t, o.version) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseArgs(tc.args, pidoneOptions, defaultOptions())
			require.NoError(t, err)
			assert.Equal(t, tc.command, o.config.Command)
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

func TestParseArgsRejectsBadInputWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-x", "true"}, "unknown option -x"},
		{[]string{"-vx", "true"}, "unknown option -x"},
		{[]string{"--nope", "true"}, "unknown option --nope"},
		{[]string{"--", "true"}, ""},
		{[]string{"-r"}, "option -r needs a value"},
		{[]string{"--rewrite"}, "option --rewrite needs a value"},
		{[]string{"--single-child=yes", "true"}, "option --single-child takes no value"},
		{[]string{"-r", "15", "true"}, `rewrite rule "15": want FROM:TO, as in TERM:QUIT or 15:3`},
		{[]string{"-r", ":3", "true"}, `rewrite rule ":3": want FROM:TO, as in TERM:QUIT or 15:3`},
		{[]string{"-r", "NOPE:3", "true"}, `rewrite rule "NOPE:3": unknown signal "NOPE"`},
		{[]string{"-r", "9:15", "true"}, `rewrite rule "9:15": SIGKILL cannot be caught, so it cannot be rewritten`},
		{[]string{"-r", "15:65", "true"}, `rewrite rule "15:65": unknown signal "65" (out of range 1-64)`},
		{[]string{"--grace", "-1s", "true"}, `option --grace: "-1s" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{[]string{"--grace", "1e3", "true"}, `option --grace: "1e3" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{[]string{"--", "-"}, ""},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := parseArgs(tc.args, pidoneOptions, defaultOptions())
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestHelpListsEveryOption(t *testing.T) {
	help := helpText("pidone", pidoneOptions)
	for _, opt := range pidoneOptions {
		if opt.long != "" {
			assert.Contains(t, help, "--"+opt.long)
		}
		if opt.short != 0 {
			assert.Contains(t, help, "-"+string(opt.short))
		}
	}
}
