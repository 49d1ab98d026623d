package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/signals"
)

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
