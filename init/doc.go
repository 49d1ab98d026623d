// Package supervisor is pidone's PID 1: it starts the command as its only
// child, forwards the signals it receives, reaps every zombie, drains what is
// left when the child exits, and returns the child's exit code.
//
// The folder is named init, as the design of the project has it, but a
// package cannot be named init: the compiler reserves the name for init
// functions and refuses to import one ("cannot import package as init - init
// must be a func"). So the package is supervisor, imported as
//
//	supervisor "github.com/pidone/pidone/init"
//
// Every decision is made in one place, the state machine of machine.go,
// whose table reads as the life of a container's first process: starting,
// running, stop delayed, stopping, draining, killing, done (or paused, with
// no command). It is pure and tested without processes; supervisor.go is the
// loop that feeds it signals, timers and reaps and carries out its actions,
// and exitcode.go the one function that decides the exit code. Before the
// child runs, a failure ends pidone with a documented exit code; once it
// runs, pidone never exits early, and trouble becomes a log line at most.
package supervisor
