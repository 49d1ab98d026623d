package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/options.md from the option tables")

// optionsReference is docs/options.md: each personality's -h, made from the
// same tables as the help itself, so the two cannot disagree.
func optionsReference() string {
	var b strings.Builder
	b.WriteString("# Options\n\n")
	b.WriteString("What `-h` prints under each name pidone is installed as. This page is made\n")
	b.WriteString("from the option tables in `cmd/pidone` (`go test ./cmd/pidone -run\n")
	b.WriteString("OptionsReference -update-docs` rewrites it, and `make test` fails when it is\n")
	b.WriteString("out of date).\n")
	seen := map[*personality]bool{}
	for _, row := range installedAs {
		p := row.personality
		if seen[p] || p == &pausePersonality {
			continue
		}
		seen[p] = true
		var names []string
		for _, other := range installedAs {
			if other.personality == p {
				names = append(names, "`"+other.name+"`")
			}
		}
		b.WriteString("\n## " + strings.Join(names, ", ") + "\n\n```\n" + p.help() + "```\n")
	}
	b.WriteString("\n## `pause`\n\nKubernetes' pause reads no option but `-v`, which prints the version; every\n")
	b.WriteString("other argument is passed over, and it pauses: it reaps until SIGINT or\n")
	b.WriteString("SIGTERM, then exits 0. pidone's `PIDONE_*` variables are read too.\n")
	return b.String()
}

func TestOptionsReferenceIsTheHelp(t *testing.T) {
	const path = "../../docs/options.md"
	want := optionsReference()
	if *updateDocs {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "docs/options.md is out of date: go test ./cmd/pidone -run OptionsReference -update-docs")
}
