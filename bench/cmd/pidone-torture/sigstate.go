package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// childSignalState reads the child's blocked and ignored sets, which must
// be what the same child gets with no init in between (zero from a clean
// shell; GNU make, for one, leaves signals 32 and 33 ignored in what it
// runs, and pidone must pass that on unchanged). Then it keeps pidone's
// runtime busy with a flood of other signals, c.urgs rounds of 20, and
// sends one SIGURG last: the child must see exactly that one, none of the
// runtime's own.
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
	for i := range c.urgs * 20 {
		if sig := mix[i%len(mix)]; sig != syscall.SIGURG && syscall.Kill(p.Pid, sig) == nil {
			others++
		}
	}
	syscall.Kill(p.Pid, syscall.SIGURG)
	// Ask the child until it has seen the SIGURG; a late one of the
	// runtime's would be a failure the next run may catch.
	urg := "urg 0"
	for end := time.Now().Add(c.limit); err == nil && urg == "urg 0" && time.Now().Before(end); {
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
	ok := err == nil && blk == wantBlk && ign == wantIgn && urg == "urg 1" && code == 0
	return fmt.Sprintf("child signal state: %s, %s (with no init: %s, %s); 1 SIGURG sent after %d other signals: child saw %q, exit %d",
		compact(blk), compact(ign), compact(wantBlk), compact(wantIgn), others, urg, code), ok
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
