package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPersonalityDefaults(t *testing.T) {
	parse := func(p *personality, args ...string) options {
		o, err := parseArgs(args, p.options, p.defaults())
		assert.NoError(t, err)
		assert.NoError(t, p.settle(&o))
		return o
	}
	t.Run("dumb-init rewrites the stop signals to SIGSTOP unless told otherwise", func(t *testing.T) {
		o := parse(&dumbInitPersonality, "-r", "20:10", "true")
		to, ok := o.config.Rewrite.Apply(20)
		assert.Equal(t, 10, int(to))
		assert.True(t, ok)
		to, _ = o.config.Rewrite.Apply(21)
		assert.Equal(t, 19, int(to), "SIGTTIN becomes SIGSTOP")
	})
	t.Run("dumb-init -c has no such default", func(t *testing.T) {
		o := parse(&dumbInitPersonality, "-c", "true")
		assert.False(t, o.config.Rewrite.Has(20))
		assert.True(t, o.config.SingleChild)
	})
	t.Run("tini -e collects exit codes", func(t *testing.T) {
		o := parse(&tiniPersonality, "-e", "3", "-e4", "true")
		assert.Equal(t, []int{3, 4}, o.config.SuccessCodes)
	})
}
