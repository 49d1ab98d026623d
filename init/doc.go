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
// Run reads top to bottom as the life of a container's first process:
// starting → running → draining → done. Before the child runs, a failure
// ends pidone with a documented exit code; once it runs, pidone never exits
// early, and trouble becomes a log line at most.
package supervisor
