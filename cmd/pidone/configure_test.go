package main

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	supervisor "github.com/pidone/pidone/init"
)

func TestEveryOptionHasAVariable(t *testing.T) {
	var names []string
	for _, opt := range pidoneOptions {
		if hasVariable(opt) {
			names = append(names, envName(opt))
		}
	}
	assert.Equal(t, []string{"PIDONE_SINGLE_CHILD", "PIDONE_REWRITE", "PIDONE_GRACE", "PIDONE_STOP_SIGNAL",
		"PIDONE_STOP_DELAY", "PIDONE_STOP_TIMEOUT", "PIDONE_WAIT_ALL", "PIDONE_PAUSE", "PIDONE_REMAP_EXIT", "PIDONE_VERBOSE"}, names,
		"every option but help and version, PIDONE_ and the long name in upper case")
}

func TestVariablesSetOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		want func(c *supervisor.Config)
	}{
		{"a duration in Go's form", "PIDONE_GRACE=5s", func(c *supervisor.Config) { c.Grace = 5 * supervisor.Second }},
		{"a duration in plain seconds", "PIDONE_STOP_DELAY=5", func(c *supervisor.Config) { c.StopDelay = 5 * supervisor.Second }},
		{"a stop timeout", "PIDONE_STOP_TIMEOUT=1m30s", func(c *supervisor.Config) { c.StopTimeout = 90 * supervisor.Second }},
		{"a signal", "PIDONE_STOP_SIGNAL=INT", func(c *supervisor.Config) { c.StopSignal = syscall.SIGINT }},
		{"a list of exit codes", "PIDONE_REMAP_EXIT=143, 0", func(c *supervisor.Config) { c.SuccessCodes = []int{143, 0} }},
		{"a list of rewrite rules", "PIDONE_REWRITE=15:3,HUP:0", func(c *supervisor.Config) {
			c.Rewrite.Set(syscall.SIGTERM, syscall.SIGQUIT)
			c.Rewrite.Set(syscall.SIGHUP, 0)
		}},
		{"a count", "PIDONE_VERBOSE=2", func(c *supervisor.Config) { c.Verbosity = 2 }},
		{"a count of 0", "PIDONE_VERBOSE=0", func(c *supervisor.Config) {}},
		{"a boolean 1", "PIDONE_SINGLE_CHILD=1", func(c *supervisor.Config) { c.SingleChild = true }},
		{"a boolean true", "PIDONE_SINGLE_CHILD=true", func(c *supervisor.Config) { c.SingleChild = true }},
		{"a boolean YES", "PIDONE_SINGLE_CHILD=YES", func(c *supervisor.Config) { c.SingleChild = true }},
		{"a boolean 0", "PIDONE_SINGLE_CHILD=0", func(c *supervisor.Config) {}},
		{"a boolean false", "PIDONE_SINGLE_CHILD=false", func(c *supervisor.Config) {}},
		{"a boolean no", "PIDONE_SINGLE_CHILD=no", func(c *supervisor.Config) {}},
		{"an empty variable is unset", "PIDONE_GRACE=", func(c *supervisor.Config) {}},
		{"a variable that is not pidone's is no option", "PIDONE_NO_SUCH_OPTION=1", func(c *supervisor.Config) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := configure([]string{"cmd"}, []string{"HOME=/root", tc.env})
			require.NoError(t, err)
			want := defaultOptions().config
			want.Command = []string{"cmd"}
			tc.want(&want)
			want.Env = opts.config.Env // checked in TestChildDoesNotSeeTheVariables
			assert.Equal(t, want, opts.config)
		})
	}
}

func TestFlagBeatsItsVariable(t *testing.T) {
	environ := []string{"PIDONE_GRACE=9s", "PIDONE_VERBOSE=2", "PIDONE_REWRITE=15:3", "PIDONE_REMAP_EXIT=143",
		"PIDONE_STOP_SIGNAL=INT", "PIDONE_SINGLE_CHILD=0"}
	opts, err := configure([]string{"--grace=1s", "-v", "-r", "HUP:0", "--remap-exit", "7", "--stop-sig", "QUIT", "-c", "cmd"}, environ)
	require.NoError(t, err)
	assert.Equal(t, 1*supervisor.Second, opts.config.Grace)
	assert.Equal(t, 1, opts.config.Verbosity, "-v beats PIDONE_VERBOSE=2, it does not add to it")
	assert.False(t, opts.config.Rewrite.Has(syscall.SIGTERM), "-r replaces PIDONE_REWRITE's rules")
	assert.True(t, opts.config.Rewrite.Has(syscall.SIGHUP))
	assert.Equal(t, []int{7}, opts.config.SuccessCodes)
	assert.Equal(t, syscall.SIGQUIT, opts.config.StopSignal)
	assert.True(t, opts.config.SingleChild)

	t.Run("a malformed variable its flag beats is not read", func(t *testing.T) {
		_, err := configure([]string{"--grace", "1s", "cmd"}, []string{"PIDONE_GRACE=soon"})
		assert.NoError(t, err)
	})
	t.Run("variables are not read for help", func(t *testing.T) {
		opts, err := configure([]string{"-h"}, []string{"PIDONE_GRACE=soon"})
		assert.NoError(t, err)
		assert.True(t, opts.help)
	})
}

func TestMalformedVariables(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"PIDONE_GRACE=soon", `PIDONE_GRACE="soon": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"PIDONE_STOP_DELAY=-1s", `PIDONE_STOP_DELAY="-1s": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"PIDONE_STOP_TIMEOUT=5 s", `PIDONE_STOP_TIMEOUT="5 s": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"PIDONE_STOP_SIGNAL=NOPE", `PIDONE_STOP_SIGNAL="NOPE": not a signal (like TERM, SIGINT or 15)`},
		{"PIDONE_STOP_SIGNAL=KILL", `PIDONE_STOP_SIGNAL="KILL": not a signal pidone can catch and forward`},
		{"PIDONE_STOP_SIGNAL=CHLD", `PIDONE_STOP_SIGNAL="CHLD": not a signal pidone can catch and forward`},
		{"PIDONE_REMAP_EXIT=143,abc", `PIDONE_REMAP_EXIT="143,abc": "abc" is not an exit code (0 to 255)`},
		{"PIDONE_REMAP_EXIT=256", `PIDONE_REMAP_EXIT="256": not an exit code (0 to 255)`},
		{"PIDONE_REMAP_EXIT=143,", `PIDONE_REMAP_EXIT="143,": "" is not an exit code (0 to 255)`},
		{"PIDONE_REWRITE=15:3,TERM:NOPE", `PIDONE_REWRITE="15:3,TERM:NOPE": rewrite rule "TERM:NOPE": unknown signal "NOPE"`},
		{"PIDONE_VERBOSE=x", `PIDONE_VERBOSE="x": not a count (0 to 9)`},
		{"PIDONE_VERBOSE=10", `PIDONE_VERBOSE="10": not a count (0 to 9)`},
		{"PIDONE_SINGLE_CHILD=maybe", `PIDONE_SINGLE_CHILD="maybe": not a boolean (1, true, yes; 0, false, no)`},
	} {
		t.Run(tc.env, func(t *testing.T) {
			_, err := configure([]string{"cmd"}, []string{tc.env})
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestMalformedFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--stop-delay", "soon"}, `option --stop-delay: "soon" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{[]string{"--stop-timeout=-5"}, `option --stop-timeout: "-5" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{[]string{"--stop-signal", "NOPE"}, `option --stop-signal: "NOPE" is not a signal (like TERM, SIGINT or 15)`},
		{[]string{"--stop-signal", "STOP"}, `option --stop-signal: "STOP" is not a signal pidone can catch and forward`},
		{[]string{"--stop-signal", "CHLD"}, `option --stop-signal: "CHLD" is not a signal pidone can catch and forward`},
		{[]string{"--remap-exit", "-1"}, `option --remap-exit: "-1" is not an exit code (0 to 255)`},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			_, err := configure(append(tc.args, "cmd"), nil)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestChildDoesNotSeeTheVariables(t *testing.T) {
	environ := []string{"HOME=/root", "PIDONE_GRACE=5s", "PATH=/bin", "PIDONE_GRACE=6s", "PIDONE_VERBOSE=",
		"PIDONE_NO_SUCH_OPTION=1", "MY_PIDONE_GRACE=1"}
	opts, err := configure([]string{"--grace", "1s", "cmd"}, environ)
	require.NoError(t, err)
	assert.Equal(t, []string{"HOME=/root", "PATH=/bin", "PIDONE_NO_SUCH_OPTION=1", "MY_PIDONE_GRACE=1"}, opts.config.Env,
		"every variable of an option goes, set, empty, repeated or beaten by its flag; others stay")

	t.Run("the first of a repeated variable wins, as in getenv", func(t *testing.T) {
		opts, err := configure([]string{"cmd"}, environ)
		require.NoError(t, err)
		assert.Equal(t, 5*supervisor.Second, opts.config.Grace)
	})
	t.Run("an empty environment stays empty, not pidone's own", func(t *testing.T) {
		opts, err := configure([]string{"cmd"}, nil)
		require.NoError(t, err)
		assert.NotNil(t, opts.config.Env)
		assert.Empty(t, opts.config.Env)
	})
}
