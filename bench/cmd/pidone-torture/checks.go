package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
	"github.com/pidone/pidone/signals"
)

// orphansInBursts hands pidone its orphans in bursts: the child forks a
// parent that forks a burst of children which exit at once, and the parent
// exits, so all of them become pidone's zombies in one moment. The child
// counts the ones still there when the burst should be drained, and the
// harness counts pidone's zombie children from outside at the end.
func orphansInBursts(c config) (string, bool) {
	bursts := max(1, c.orphans/c.burst)
	p, err := c.under("orphans", strconv.Itoa(c.burst), "0")
	if err != nil {
		return "orphans: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "orphans: " + err.Error(), false
	}
	left := 0
	for range bursts {
		n, err := orphanBurst(p)
		if err != nil {
			return "orphans: " + err.Error(), false
		}
		left += n
	}
	outside := pid1.Zombies(p.Pid)
	code, err := p.Wait()
	ok := left == 0 && outside == 0 && code == 0 && err == nil
	return fmt.Sprintf("orphans %d in %d bursts: zombies left %d, seen from outside %d, exit %d (want 0)",
		bursts*c.burst, bursts, left, outside, code), ok
}

// orphanBurst asks the child for one burst and returns how many of its
// orphans were not reaped in time.
func orphanBurst(p *pid1.Proc) (left int, err error) {
	if err := p.Send("b"); err != nil {
		return 0, err
	}
	line, err := p.ReadLine()
	if err != nil {
		return 0, err
	}
	var ns int64
	if _, err := fmt.Sscan(line, &ns, &left); err != nil {
		return 0, fmt.Errorf("child said %q: %w", line, err)
	}
	return left, nil
}

// orphansWithoutInit is the negative control of orphansInBursts: with the
// child itself as PID 1 nobody reaps, and the same count must see every
// orphan left.
func orphansWithoutInit(c config) (string, bool) {
	const n = 100
	p, err := c.alone("orphans", strconv.Itoa(n), "0", "300")
	if err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	left, err := orphanBurst(p)
	if err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	return fmt.Sprintf("negative control: orphans %d with no init: zombies left %d (want %d)", n, left, n), left == n
}

// ackedMix is every signal pidone forwards that the acking child can wait
// for: not SIGTERM, which ends it, and not 32 and 33, which the C library
// keeps and which pidone does not catch.
func ackedMix() []syscall.Signal {
	var mix []syscall.Signal
	for _, sig := range signals.Catchable() {
		if signals.Forwardable(sig) && sig != syscall.SIGTERM {
			mix = append(mix, sig)
		}
	}
	return mix
}

// ackTimeout is how long a forwarded signal may take to be acked before it
// counts as lost. Generous: a fork storm elsewhere can stall a process
// for seconds.
const ackTimeout = 5 * time.Second

// ackedSignals sends signals one at a time, each only after the child
// acked the one before with its number: none may be lost or changed. A
// kind that is lost once is not sent again, so that one bad kind costs
// one timeout and the verdict names every bad kind.
func ackedSignals(c config) (string, bool) {
	p, err := c.under("acks")
	if err != nil {
		return "acked signals: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "acked signals: " + err.Error(), false
	}
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
	mix := ackedMix()
	lostKinds := map[syscall.Signal]bool{}
	lost, wrong, sent := 0, 0, 0
	for i := 0; sent < c.acked && len(lostKinds) < len(mix); i++ {
		sig := mix[i%len(mix)]
		if lostKinds[sig] {
			continue
		}
		if err := syscall.Kill(p.Pid, sig); err != nil {
			return "acked signals: pidone is gone: " + err.Error(), false
		}
		sent++
		select {
		case got, ok := <-acks:
			if !ok {
				return fmt.Sprintf("acked signals: the child ended after %d", sent), false
			}
			if got != sig {
				wrong++
			}
		case <-time.After(ackTimeout):
			lost++
			lostKinds[sig] = true
		}
	}
	syscall.Kill(p.Pid, syscall.SIGTERM)
	code, _ := p.Wait()
	verdict := fmt.Sprintf("acked signals %d (%d kinds): lost %d, wrong %d, exit %d (want 0)",
		sent, len(mix), lost, wrong, code)
	if lost > 0 {
		var names []string
		for sig := range lostKinds {
			names = append(names, signals.Name(sig))
		}
		verdict += "; lost kinds: " + strings.Join(names, " ")
	}
	return verdict, lost == 0 && wrong == 0 && code == 0
}

// stormMix is every signal number but SIGKILL and SIGSTOP: what pidone
// must not forward (SIGCHLD, SIGURG, 32, 33) included.
func stormMix() []syscall.Signal {
	var mix []syscall.Signal
	for sig := syscall.Signal(1); sig <= signals.Max; sig++ {
		if sig != syscall.SIGKILL && sig != syscall.SIGSTOP {
			mix = append(mix, sig)
		}
	}
	return mix
}

// signalStorm sends signals without waiting while the child forks
// children that exit and orphans that pidone must reap. pidone must still
// be running after the storm and exit with the child's code.
func signalStorm(c config) (string, bool) {
	const code = 42
	p, err := c.under("churn", strconv.Itoa(code))
	if err != nil {
		return "storm: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "storm: " + err.Error(), false
	}
	mix := stormMix()
	sent, busy := 0, 0
	for i := 0; sent < c.storm; i++ {
		switch err := syscall.Kill(p.Pid, mix[i%len(mix)]); err {
		case nil:
			sent++
		case syscall.EAGAIN: // the real-time signal queue is full
			busy++
		default:
			return fmt.Sprintf("storm: pidone died after %d signals: %v", sent, err), false
		}
	}
	alive := running(p.Pid)
	p.Send("x")
	caught, _ := p.ReadLine()
	got, err := p.Wait()
	ok := alive && got == code && err == nil
	return fmt.Sprintf("storm of %d mixed signals (%d refused as queue full) while the child forks: pidone alive %v, child %s, exit %d (want %d)",
		sent, busy, alive, caught, got, code), ok
}

// running tells a live process from a zombie or a dead one.
func running(pid int) bool {
	b, err := readFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	rest := b[strings.LastIndexByte(b, ')')+1:]
	f := strings.Fields(rest)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// exitWhileSignalled runs the child many times, each time exiting with its
// own code after a random moment while signals keep arriving at pidone;
// pidone must exit with that code every time.
func exitWhileSignalled(c config) (string, bool) {
	mix := stormMix()
	wrong, failures := 0, []string{}
	for run := range c.races {
		want := 1 + run%120
		spin := rand.IntN(3000)
		p, err := c.under("exitsoon", strconv.Itoa(want), strconv.Itoa(spin))
		if err != nil {
			return "races: " + err.Error(), false
		}
		if err := p.Expect("ready"); err != nil {
			p.Kill()
			return "races: " + err.Error(), false
		}
		done := make(chan struct{})
		go func() {
			// Process.Signal goes through a pidfd: it cannot reach a
			// recycled pid once pidone has been waited for.
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				if p.Process.Signal(mix[i%len(mix)]) != nil {
					return
				}
				// A pause between signals: sent back to back, they keep
				// the child in its handlers for ever (each forward
				// reaches it while it still runs the last handler), and
				// it would never get to exit.
				time.Sleep(20 * time.Microsecond)
			}
		}()
		got, err := p.Wait()
		close(done)
		if got != want || err != nil {
			wrong++
			if len(failures) < 5 {
				failures = append(failures, fmt.Sprintf("run %d exit %d want %d %v", run, got, want, err))
			}
		}
	}
	verdict := fmt.Sprintf("races: %d runs where the child exits while signals arrive: wrong exit codes %d", c.races, wrong)
	if len(failures) > 0 {
		verdict += " (" + strings.Join(failures, "; ") + ")"
	}
	return verdict, wrong == 0
}

// childSignalState reads the child's blocked and ignored sets, which must
// be what the same child gets with no init in between (zero from a clean
// shell; GNU make, for one, leaves signals 32 and 33 ignored in what it
// runs, and pidone must pass that on unchanged). Then it sends pidone
// SIGURGs among a flood of other signals that keep its runtime busy: none
// may reach the child.
func childSignalState(c config) (string, bool) {
	wantBlk, wantIgn, err := signalStateWithoutInit(c)
	if err != nil {
		return "signal state without an init: " + err.Error(), false
	}
	p, err := c.under("sigstate")
	if err != nil {
		return "signal state: " + err.Error(), false
	}
	defer p.Kill()
	blk, err1 := p.ReadLine()
	ign, err2 := p.ReadLine()
	if err := firstErr(err1, err2, p.Expect("ready")); err != nil {
		return "signal state: " + err.Error(), false
	}
	mix := stormMix()
	others := 0
	for i := range c.urgs {
		syscall.Kill(p.Pid, syscall.SIGURG)
		for k := range 20 {
			if sig := mix[(i*20+k)%len(mix)]; sig != syscall.SIGURG && syscall.Kill(p.Pid, sig) == nil {
				others++
			}
		}
	}
	// A margin for the last forwards to land before the child is asked;
	// a late SIGURG would be a failure the next run may catch.
	time.Sleep(100 * time.Millisecond)
	p.CloseInput()
	urg, err := p.ReadLine()
	code, _ := p.Wait()
	ok := err == nil && blk == wantBlk && ign == wantIgn && urg == "urg 0" && code == 0
	return fmt.Sprintf("child signal state: %s, %s (with no init: %s, %s); %d SIGURGs sent among %d others: child saw %q, exit %d",
		compact(blk), compact(ign), compact(wantBlk), compact(wantIgn), c.urgs, others, urg, code), ok
}

// signalStateWithoutInit reads the SigBlk and SigIgn lines of the child
// started as PID 1 itself, the way the harness starts pidone.
func signalStateWithoutInit(c config) (blk, ign string, err error) {
	p, err := c.alone("sigstate")
	if err != nil {
		return "", "", err
	}
	defer p.Kill()
	blk, err1 := p.ReadLine()
	ign, err2 := p.ReadLine()
	return blk, ign, firstErr(err1, err2, p.Expect("ready"))
}

// sigurgWithoutInit is the negative control of childSignalState: SIGURGs
// sent to the child itself are counted, so "urg 0" above means something.
func sigurgWithoutInit(c config) (string, bool) {
	const n = 10
	p, err := c.alone("sigstate")
	if err != nil {
		return "sigurg control: " + err.Error(), false
	}
	defer p.Kill()
	for range 3 {
		if _, err := p.ReadLine(); err != nil {
			return "sigurg control: " + err.Error(), false
		}
	}
	// Standard signals do not queue: one at a time, each after the last
	// was counted, is the only way to count them all. Wait for the
	// child's handler by watching its SigPnd through /proc.
	for range n {
		syscall.Kill(p.Pid, syscall.SIGURG)
		for pending(p.Pid) {
			time.Sleep(time.Millisecond)
		}
	}
	p.CloseInput()
	urg, _ := p.ReadLine()
	p.Wait()
	want := "urg " + strconv.Itoa(n)
	return fmt.Sprintf("negative control: %d SIGURGs sent to the child itself: it saw %q (want %q)", n, urg, want), urg == want
}

// pending reports whether pid has a signal not yet handled.
func pending(pid int) bool {
	b, err := readFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(b, "\n") {
		if (strings.HasPrefix(line, "SigPnd:") || strings.HasPrefix(line, "ShdPnd:")) &&
			strings.Trim(fields(line), "0") != "" {
			return true
		}
	}
	return false
}

// fields returns the value of a "Name:\tvalue" line.
func fields(line string) string {
	_, v, _ := strings.Cut(line, ":")
	return strings.TrimSpace(v)
}

// compact writes "SigBlk:\t0000000000000000" as "SigBlk 0".
func compact(line string) string {
	name, _, _ := strings.Cut(line, ":")
	v := strings.TrimLeft(fields(line), "0")
	if v == "" {
		v = "0"
	}
	return name + " " + v
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
