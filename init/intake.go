package supervisor

import (
	"syscall"
	_ "unsafe" // for go:linkname
)

// The signal intake reads the Go runtime's signal queue itself, through the
// same two runtime functions os/signal is built on, rather than through
// os/signal: os/signal brings in package os, which alone makes pidone a
// fifth larger. The queue is the only sound path in Go: the runtime unblocks
// the signals it needs in every thread it starts, so signalfd and sigwait
// would lose them to its handler.
//
// The runtime keeps one queue per process and assumes one reader, so
// pidone must not use os/signal too.

//go:linkname signalEnable os/signal.signal_enable
func signalEnable(sig uint32)

//go:linkname signalRecv os/signal.signal_recv
func signalRecv() uint32

// enableSignals asks the runtime to queue sigs for readSignals rather than
// act on them.
func enableSignals(sigs []syscall.Signal) {
	for _, sig := range sigs {
		signalEnable(uint32(sig))
	}
}

// readSignals passes the queued signals to c, for ever. Like os/signal it
// never blocks the queue: a signal that does not fit in c is dropped, so c
// needs room for one of each signal (the runtime merges repeats of a signal
// until they are read).
func readSignals(c chan<- syscall.Signal) {
	for {
		sig := syscall.Signal(signalRecv())
		select {
		case c <- sig:
		default:
		}
	}
}
