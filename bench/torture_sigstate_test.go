//go:build torture

package bench

import (
	"cmp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pidone/pidone/integration/proctest"
)

// TestTortureChildSignalState reads the child's blocked and ignored sets,
// which must be what the same child gets with no init in between (zero
// from a clean shell; GNU make, for one, leaves signals 32 and 33 ignored
// in what it runs, and pidone must pass that on unchanged). Then it keeps
// pidone's runtime busy with a flood of other signals, -urgs rounds of 20,
// and sends one SIGURG last: the child must see exactly that one, none of
// the runtime's own.
func TestTortureChildSignalState(t *testing.T) {
	alone := tortureStart(t, None, "sigstate")
	wantBlk, wantIgn := tortureLine(t, alone), tortureLine(t, alone)
	tortureReady(t, alone)
	alone.Kill()

	p := tortureStart(t, tortured(), "sigstate")
	blk, ign := tortureLine(t, p), tortureLine(t, p)
	tortureReady(t, p)
	mix := tortureStormMix()
	others := 0
	for i := range *tortureUrgs * 20 {
		if sig := mix[i%len(mix)]; sig != syscall.SIGURG && syscall.Kill(p.Pid, sig) == nil {
			others++
		}
	}
	syscall.Kill(p.Pid, syscall.SIGURG)
	// Ask the child until it has seen the SIGURG; a late one of the
	// runtime's would be a failure the next run may catch.
	urg, err := "urg 0", error(nil)
	for end := time.Now().Add(*tortureLimit); err == nil && urg == "urg 0" && time.Now().Before(end); {
		if err = p.Send("u"); err == nil {
			urg, err = p.ReadLine()
		}
		if urg == "urg 0" {
			time.Sleep(time.Millisecond)
		}
	}
	p.CloseInput()
	if err == nil {
		urg, err = p.ReadLine()
	}
	code, _ := p.Wait()
	tortureVerdict(t, err == nil && blk == wantBlk && ign == wantIgn && urg == "urg 1" && code == 0,
		"child signal state: %s, %s (with no init: %s, %s); 1 SIGURG sent after %d other signals: child saw %q (error %v), exit %d",
		tortureMask(blk), tortureMask(ign), tortureMask(wantBlk), tortureMask(wantIgn), others, urg, err, code)
}

// TestTortureSigurgWithoutInit is the negative control of the SIGURG count:
// SIGURGs sent to the child itself are counted, so "urg 0" above means
// something.
func TestTortureSigurgWithoutInit(t *testing.T) {
	const n = 10
	p := tortureStart(t, None, "sigstate")
	for range 3 {
		tortureLine(t, p)
	}
	// Standard signals do not queue: one at a time, each after the last
	// was counted, is the only way to count them all. Wait for the
	// child's handler by watching its pending sets through /proc.
	for range n {
		syscall.Kill(p.Pid, syscall.SIGURG)
		for st := proctest.Status(p.Pid); strings.Trim(st["SigPnd"], "0") != "" || strings.Trim(st["ShdPnd"], "0") != ""; st = proctest.Status(p.Pid) {
			time.Sleep(time.Millisecond)
		}
	}
	p.CloseInput()
	urg, _ := p.ReadLine()
	p.Wait()
	want := "urg " + strconv.Itoa(n)
	tortureVerdict(t, urg == want, "%d SIGURGs sent to the child itself: it saw %q (want %q)", n, urg, want)
}

// tortureMask writes "SigBlk:\t0000000000000000" as "SigBlk 0".
func tortureMask(line string) string {
	name, mask, _ := strings.Cut(line, ":")
	return name + " " + cmp.Or(strings.TrimLeft(strings.TrimSpace(mask), "0"), "0")
}
