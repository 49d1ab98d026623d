package supervisor

import (
	"errors"
	"strings"
	"syscall"
)

// errNotFound is returned by spawn when the command is not in PATH.
var errNotFound = errors.New("command not found")

// spawnError is a failure to start the child, with the exit code it maps to.
type spawnError struct {
	command string
	err     error
}

func (e *spawnError) Error() string { return "cannot run " + e.command + ": " + e.err.Error() }
func (e *spawnError) Unwrap() error { return e.err }

// strerror is what the C library's strerror says of the error, as tini,
// dumb-init and catatonit report it: Go's text for an errno is the C
// library's with its first letter lowered. A command not found in PATH is
// execvp's ENOENT.
func (e *spawnError) strerror() string {
	err := e.err
	if errors.Is(err, errNotFound) {
		err = syscall.ENOENT
	}
	text := err.Error()
	if text != "" && 'a' <= text[0] && text[0] <= 'z' {
		text = string(text[0]-'a'+'A') + text[1:]
	}
	return text
}

// shell runs a file that has no "#!" line, as execvp does.
const shell = "/bin/sh"

// spawn starts argv as pidone's child, with the environment env (nil:
// pidone's own), and returns its pid. The child is never waited for here:
// the reaper collects it with everything else.
//
// Sockets passed to pidone by socket activation go on to the child with
// LISTEN_PID naming it (listenstage.go). Unless keepDirectory, pidone
// leaves its directory for / before the child exists (leaveDirectory).
func spawn(argv, env []string, attrs *syscall.SysProcAttr, keepDirectory bool) (int, *spawnError) {
	path, err := lookPath(argv[0])
	if err != nil {
		return 0, &spawnError{argv[0], err}
	}
	if env == nil {
		env = Environ()
	}
	attr := &syscall.ProcAttr{
		Env: env,
		// The child gets pidone's stdin, stdout and stderr. Other
		// descriptors pidone inherited without close-on-exec pass through
		// too, as with a plain exec.
		Files: []uintptr{0, 1, 2},
		Sys:   attrs,
	}
	if !keepDirectory {
		// After the lookup, which a relative PATH entry makes depend on
		// the directory; the child changes into it before its exec.
		attr.Dir = leaveDirectory()
	}
	if socketsForUs(env) {
		return spawnThroughStage(path, argv, attr)
	}
	pid, err := syscall.ForkExec(path, argv, attr)
	if err == syscall.ENOEXEC {
		// A file the kernel cannot run: a script without "#!". The C
		// library's execvp, which tini, dumb-init and catatonit start
		// their child with, runs it with the shell, and so does pidone.
		pid, err = syscall.ForkExec(shell, append([]string{shell, path}, argv[1:]...), attr)
		if err != nil {
			err = syscall.ENOEXEC // the file's failure, not the shell's
		}
	}
	if err != nil {
		return 0, &spawnError{argv[0], err}
	}
	return pid, nil
}

// childAttributesFor is childAttributes for the session the personality
// asks for.
func childAttributesFor(session Session, term terminal) *syscall.SysProcAttr {
	switch session {
	case SameGroup:
		// Nothing: the child shares pidone's group, session and terminal.
		return &syscall.SysProcAttr{}
	case OwnGroup:
		if term == ownTerminal || term == sharedForeground {
			// The child's group takes the terminal's foreground from
			// inside the child, with signals blocked, so that no SIGTTOU
			// stops it; pidone stays the session leader in the background.
			return &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0}
		}
		return &syscall.SysProcAttr{Setpgid: true}
	}
	return childAttributes(term)
}

// childAttributes chooses where the child lives: in a session of its own,
// so that its process group can be signalled as a whole and nothing it does
// to its terminal reaches pidone.
func childAttributes(term terminal) *syscall.SysProcAttr {
	switch term {
	case ownTerminal:
		return &syscall.SysProcAttr{
			// A new session, which takes the terminal pidone let go of as
			// its controlling terminal, so that ^C and ^Z reach the child's
			// foreground job.
			Setsid:  true,
			Setctty: true,
			Ctty:    0,
		}
	case sharedForeground:
		return &syscall.SysProcAttr{
			// The terminal belongs to the session of the shell that ran
			// pidone, which cannot give it away; the child's process group
			// takes the foreground instead, as a job of that shell would.
			// Go sets it from inside the child, with signals blocked, so no
			// SIGTTOU can stop either process.
			Setpgid:    true,
			Foreground: true,
			Ctty:       0,
		}
	case sharedBackground:
		// pidone runs as a background job: the child is a background job
		// too, in a group of its own, and leaves the foreground alone.
		return &syscall.SysProcAttr{Setpgid: true}
	}
	// No terminal: a new session and process group, and nothing to take.
	return &syscall.SysProcAttr{Setsid: true}
}

// lookPath finds the program as execvp would: a name with a slash is used
// as it is, any other is searched in PATH, and an empty PATH entry means the
// current directory.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	dirs, ok := syscall.Getenv("PATH")
	if !ok {
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	var denied error
	for _, dir := range strings.Split(dirs, ":") {
		if dir == "" {
			dir = "."
		}
		path := dir + "/" + name
		var info syscall.Stat_t
		if syscall.Stat(path, &info) != nil || info.Mode&syscall.S_IFMT == syscall.S_IFDIR {
			continue
		}
		if info.Mode&0o111 == 0 {
			// Keep looking, as execvp does, but remember why this one
			// failed in case nothing better turns up.
			denied = syscall.EACCES
			continue
		}
		return path, nil
	}
	if denied != nil {
		return "", denied
	}
	return "", errNotFound
}

// leaveDirectory moves pidone to / and returns the directory it was in, by
// a path that leads the child back to the same directory; where no path
// does (the directory was removed, or cannot be entered by its path), it
// returns "" and pidone stays, to leave once the child has started. Leaving
// first means the child never sees its init in its directory: dumb-init
// leaves at once after its fork, and a child that looks at once (dumb-init's
// suite does) finds it gone.
func leaveDirectory() string {
	dir, err := syscall.Getwd()
	if err != nil {
		return ""
	}
	// What the child will do, done first where a failure leaves pidone
	// where it was: every directory on the path must let it through.
	if syscall.Chdir(dir) != nil || syscall.Chdir("/") != nil {
		return ""
	}
	return dir
}
