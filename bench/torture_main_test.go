//go:build torture

package bench

// The torture tests run pidone as PID 1 of fresh PID namespaces through
// bounded loops of what an init must never get wrong: zombies left,
// signals lost, exit codes changed, signal state leaked to the child. The
// counts are flags whose defaults are make torture's; make torture-quick
// passes small ones:
//
//	go test -tags torture ./bench -args -orphans 2000 -races 100
//
// Every init a loop starts has a time limit; a loop whose init hits it
// fails.

import (
	"flag"
	"testing"
	"time"

	"github.com/pidone/pidone/internal/hostcheck"
)

var (
	tortureOrphans        = flag.Int("orphans", 20000, "orphans in total, handed over in bursts")
	tortureBurst          = flag.Int("burst", 1000, "orphans per burst")
	tortureAcked          = flag.Int("acked", 10000, "signals sent one at a time, each waiting for its ack")
	tortureStorm          = flag.Int("storm", 100000, "signals sent without waiting while the child churns")
	tortureRaces          = flag.Int("races", 1000, "runs in which the child exits while signals arrive")
	tortureUrgs           = flag.Int("urgs", 1000, "rounds of 20 other signals sent to pidone before the one SIGURG the child must see")
	tortureWakeups        = flag.Int("wakeups", 1000, "runs of one signal or one exit to an idle pidone beside CPU hogs")
	tortureWakeupControls = flag.Int("wakeup-controls", 300, "runs of the same against each of tini and dumb-init")
	tortureLimit          = flag.Duration("limit", 5*time.Minute, "time limit of each init a loop starts")
)

// tortured is the init under torture.
func tortured() Init { return Init{Name: "pidone", Path: *pidoneBinary} }

// tortureStart runs the kid with args under in, as PID 1 of a namespace of
// its own (None: the kid itself is PID 1, the negative controls), and
// kills what is left of it when the test ends.
func tortureStart(t *testing.T, in Init, args ...string) *Proc {
	t.Helper()
	if why := hostcheck.NoPIDNamespace(); why != "" {
		t.Skip(why)
	}
	p, err := Start(in.Argv(append([]string{*kidBinary}, args...)...), *tortureLimit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

// tortureLine is the child's next line, without which the loop cannot go on.
func tortureLine(t *testing.T, p *Proc) string {
	t.Helper()
	line, err := p.ReadLine()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// tortureReady waits for the child's "ready".
func tortureReady(t *testing.T, p *Proc) {
	t.Helper()
	if err := p.Expect("ready"); err != nil {
		t.Fatal(err)
	}
}

// tortureVerdict states what a loop found: in the log when it passed, as
// the failure when it did not.
func tortureVerdict(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		t.Logf(format, args...)
	} else {
		t.Errorf(format, args...)
	}
}
