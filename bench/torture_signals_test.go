//go:build torture

package bench

import (
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pidone/pidone/integration/proctest"
	"github.com/pidone/pidone/signals"
)

// tortureAckedMix is every signal pidone forwards that the acking child can
// wait for: not SIGTERM, which ends it, and not 32 and 33, which the C
// library keeps and which pidone does not catch.
func tortureAckedMix() []syscall.Signal {
	var mix []syscall.Signal
	for _, sig := range signals.Catchable() {
		if signals.Forwardable(sig) && sig != syscall.SIGTERM {
			mix = append(mix, sig)
		}
	}
	return mix
}

// tortureAckTimeout is how long a forwarded signal may take to be acked
// before it counts as lost. Generous: a fork storm elsewhere can stall a
// process for seconds.
const tortureAckTimeout = 5 * time.Second

// TestTortureAckedSignals sends signals one at a time, each only after the
// child acked the one before with its number: none may be lost or changed.
// A kind that is lost once is not sent again, so that one bad kind costs
// one timeout and the failure names every bad kind.
func TestTortureAckedSignals(t *testing.T) {
	p := tortureStart(t, tortured(), "acks")
	tortureReady(t, p)
	acks := make(chan syscall.Signal, 1)
	go func() {
		defer close(acks)
		for {
			b, err := p.ReadByte()
			if err != nil {
				return
			}
			acks <- syscall.Signal(b)
		}
	}()
	mix := tortureAckedMix()
	var lostKinds []string
	lost := map[syscall.Signal]bool{}
	wrong, sent := 0, 0
	for i := 0; sent < *tortureAcked && len(lost) < len(mix); i++ {
		sig := mix[i%len(mix)]
		if lost[sig] {
			continue
		}
		if err := syscall.Kill(p.Pid, sig); err != nil {
			t.Fatalf("pidone is gone after %d signals: %v", sent, err)
		}
		sent++
		select {
		case got, ok := <-acks:
			if !ok {
				t.Fatalf("the child ended after %d signals", sent)
			}
			if got != sig {
				wrong++
			}
		case <-time.After(tortureAckTimeout):
			lost[sig] = true
			lostKinds = append(lostKinds, signals.Name(sig))
		}
	}
	syscall.Kill(p.Pid, syscall.SIGTERM)
	code, _ := p.Wait()
	tortureVerdict(t, len(lost) == 0 && wrong == 0 && code == 0,
		"acked signals %d (%d kinds): lost %d %v, wrong %d, exit %d (want 0)",
		sent, len(mix), len(lost), lostKinds, wrong, code)
}

// tortureStormMix is every signal number but SIGKILL and SIGSTOP: what
// pidone must not forward (SIGCHLD, SIGURG, 32, 33) included.
func tortureStormMix() []syscall.Signal {
	var mix []syscall.Signal
	for sig := syscall.Signal(1); sig <= signals.Max; sig++ {
		if sig != syscall.SIGKILL && sig != syscall.SIGSTOP {
			mix = append(mix, sig)
		}
	}
	return mix
}

// TestTortureSignalStorm sends signals without waiting while the child
// forks children that exit and orphans that pidone must reap. pidone must
// still be running after the storm and exit with the child's code.
func TestTortureSignalStorm(t *testing.T) {
	const code = 42
	p := tortureStart(t, tortured(), "churn", strconv.Itoa(code))
	tortureReady(t, p)
	mix := tortureStormMix()
	sent, busy := 0, 0
	for i := 0; sent < *tortureStorm; i++ {
		switch err := syscall.Kill(p.Pid, mix[i%len(mix)]); err {
		case nil:
			sent++
		case syscall.EAGAIN: // the real-time signal queue is full
			busy++
		default:
			t.Fatalf("pidone died after %d signals: %v", sent, err)
		}
	}
	// Alive, and not a zombie nor dead ("" once it is gone).
	state := proctest.Status(p.Pid)["State"]
	alive := state != "" && state[0] != 'Z' && state[0] != 'X'
	p.Send("x")
	caught, _ := p.ReadLine()
	got, err := p.Wait()
	tortureVerdict(t, alive && got == code && err == nil,
		"storm of %d mixed signals (%d refused as queue full) while the child forks: pidone alive %v, child %s, exit %d (want %d, error %v)",
		sent, busy, alive, caught, got, code, err)
}
