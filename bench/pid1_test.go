//go:build bench || torture

// This file runs an init as PID 1 of a fresh PID namespace, with the bench
// child (benchkid) under it, and talks to that child through pipes. It is
// the one place where make bench and make torture start processes, so both
// measure the same thing in the same way.

package bench

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// The binaries every benchmark and torture loop runs: pidone, and the
// child under each init.
var (
	pidoneBinary = flag.String("pidone", "../bin/pidone", "the pidone binary")
	kidBinary    = flag.String("kid", "../bin/benchkid", "the child every init supervises (bench/kid/benchkid.c)")
)

// Init is one of the programs compared: how to run a command under it.
type Init struct {
	Name string
	Path string // "" runs the command itself as PID 1
}

// None runs the command as PID 1 with no init at all.
var None = Init{Name: "none"}

// Argv is the command line that runs cmd under the init. Every init
// compared here accepts "--" before the command.
func (in Init) Argv(cmd ...string) []string {
	if in.Path == "" {
		return cmd
	}
	return append([]string{in.Path, "--"}, cmd...)
}

// Proc is an init running as PID 1 of its own namespace. Pid is its pid
// as seen from here, which is what /proc and kill(2) take.
type Proc struct {
	Pid     int
	Process *os.Process

	in  *os.File      // the child's stdin
	out *os.File      // the child's stdout, blocking, for byte-exact reads
	br  *bufio.Reader // line reads on out

	watch    *time.Timer
	timedOut bool
	mu       sync.Mutex
}

// Start runs argv as PID 1 of a new PID namespace. The init and its
// children inherit this thread's CPU affinity (see PinThread). limit bounds
// the whole run: when it passes, the init is killed, which ends the
// namespace, and every read returns EOF.
func Start(argv []string, limit time.Duration) (*Proc, error) {
	inR, inW, err := pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := pipe()
	if err != nil {
		return nil, err
	}
	defer inR.Close()
	defer outW.Close()
	proc, err := os.StartProcess(argv[0], argv, &os.ProcAttr{
		Files: []*os.File{inR, outW, os.Stderr},
		Sys: &syscall.SysProcAttr{
			// A new PID namespace makes the init PID 1, with all that
			// means for orphans and for signals with no handler.
			Cloneflags: syscall.CLONE_NEWPID,
			// If the harness dies, the namespace dies with it.
			Pdeathsig: syscall.SIGKILL,
		},
	})
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	p := &Proc{Pid: proc.Pid, Process: proc, in: inW, out: outR, br: bufio.NewReaderSize(outR, 4096)}
	p.watch = time.AfterFunc(limit, func() {
		p.mu.Lock()
		p.timedOut = true
		p.mu.Unlock()
		proc.Kill()
	})
	return p, nil
}

// pipe makes a pipe whose read end blocks the reading thread, so that a
// read wakes exactly when the byte arrives, without the runtime's poller
// in between.
func pipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, fmt.Errorf("pipe: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "pipe"), os.NewFile(uintptr(fds[1]), "pipe"), nil
}

// ReadLine returns the child's next line without its newline.
func (p *Proc) ReadLine() (string, error) {
	line, err := p.br.ReadString('\n')
	if err != nil {
		return "", p.explain(fmt.Errorf("read from child: %w", err))
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// Expect reads the child's next line and fails unless it is want.
func (p *Proc) Expect(want string) error {
	line, err := p.ReadLine()
	if err == nil && line != want {
		err = fmt.Errorf("child said %q, want %q", line, want)
	}
	return err
}

// ReadByte returns the child's next byte (an ack).
func (p *Proc) ReadByte() (byte, error) {
	b, err := p.br.ReadByte()
	if err != nil {
		return 0, p.explain(fmt.Errorf("read ack: %w", err))
	}
	return b, nil
}

// Send writes a command to the child's stdin.
func (p *Proc) Send(cmd string) error {
	_, err := p.in.WriteString(cmd)
	return err
}

// CloseInput closes the child's stdin: EOF tells it to finish.
func (p *Proc) CloseInput() { p.in.Close() }

// Wait closes the child's stdin, waits for the init to exit and returns
// its exit code (128+N when signal N ended it).
func (p *Proc) Wait() (int, error) {
	p.in.Close()
	return p.WaitKeepInput()
}

// WaitKeepInput waits for the init to exit without closing the child's
// stdin, so that only what the caller did can end it, and returns its exit
// code as Wait does.
func (p *Proc) WaitKeepInput() (int, error) {
	st, err := p.Process.Wait()
	p.watch.Stop()
	p.in.Close()
	p.out.Close()
	if err != nil {
		return -1, err
	}
	ws := st.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal()), p.explain(nil)
	}
	return ws.ExitStatus(), p.explain(nil)
}

// Kill ends the init, and with it the namespace.
func (p *Proc) Kill() {
	p.Process.Kill()
	p.Wait()
}

// explain turns any failure after the time limit into a timeout.
func (p *Proc) explain(err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timedOut {
		return errors.New("time limit passed; the init was killed")
	}
	return err
}

// PinThread locks the calling goroutine to its thread and that thread to
// one CPU. Processes started from it afterwards inherit the pin. The
// thread is thrown away when the goroutine ends, so call this only in a
// goroutine of its own.
func PinThread(cpu int) error {
	runtime.LockOSThread()
	var mask [16]uint64
	mask[cpu/64] |= 1 << (cpu % 64)
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask)))
	if errno != 0 {
		return fmt.Errorf("sched_setaffinity cpu %d: %w", cpu, errno)
	}
	return nil
}
