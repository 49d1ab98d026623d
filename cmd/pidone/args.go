package main

import _ "unsafe" // for go:linkname

// commandLine returns the process's arguments, argv[0] first. It takes them
// from the runtime, as package os does for os.Args: pidone does not import
// os, which alone would make it a fifth larger.
//
//go:linkname commandLine os.runtime_args
func commandLine() []string
