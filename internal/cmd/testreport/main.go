// Command testreport runs the parts of `make test` and keeps their ledger
// (see internal/testledger), so that the run ends in one line saying what
// passed, what failed and what could not run on this host, and why.
//
//	testreport gotest PART [go test flags] [packages]
//	    go test -json, printed as go test prints without -v (plus one line
//	    per skipped test, with its reason); one entry per test
//	testreport run PART NAME -- COMMAND [ARG...]
//	    a command that is one check, unless it records its own entries
//	testreport failed PART STATUS
//	    a part that ended in failure; recorded only if nothing in the part
//	    already said so
//	testreport suite PART SUITE XFAIL RESULTS...
//	    the results of another tool's own test suite (make compat), judged
//	    against the expected-failure list XFAIL; one entry per test
//	testreport suite-skipped PART SUITE REASON
//	    a suite that cannot run on this host, recorded as one skip
//	testreport summary
//	    the one line; exits 1 if any check failed or none ran
//
// Without PIDONE_TEST_LEDGER, gotest and run only run, and record nothing.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/pidone/pidone/internal/testledger"
)

const usage = "usage: testreport gotest PART [ARGS] | run PART NAME -- COMMAND [ARG...] | failed PART STATUS | " +
	"suite PART SUITE XFAIL RESULTS... | suite-skipped PART SUITE REASON | summary"

func main() {
	status, err := dispatch(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport: "+err.Error())
		if status == 0 {
			status = 2
		}
	}
	os.Exit(status)
}

func dispatch(args []string) (int, error) {
	ledger := testledger.Path()
	switch {
	case len(args) >= 2 && args[0] == "gotest":
		return goTest(ledger, args[1], args[2:])
	case len(args) >= 5 && args[0] == "run" && args[3] == "--":
		return runCheck(ledger, args[1], args[2], args[4:])
	case len(args) == 3 && args[0] == "failed":
		return 0, partFailed(ledger, args[1], args[2])
	case len(args) >= 5 && args[0] == "suite":
		return suiteReport(os.Stdout, ledger, args[1], args[2], args[3], args[4:])
	case len(args) == 4 && args[0] == "suite-skipped":
		return 0, suiteSkipped(os.Stdout, ledger, args[1], args[2], args[3])
	case len(args) == 1 && args[0] == "summary":
		return summary(ledger)
	}
	return 2, fmt.Errorf("%s", usage)
}

// runCheck runs one command as one check of part. A command that records
// entries of its own (the torture loops do) speaks for itself; its exit
// status is added as a failure only when none of its entries is one.
func runCheck(ledger, part, name string, argv []string) (int, error) {
	before, err := testledger.Read(ledger)
	if err != nil {
		return 2, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	status, runErr := exitStatus(cmd.Run())
	if runErr != nil {
		fmt.Fprintf(os.Stderr, "testreport: %s: %v\n", name, runErr)
	}
	after, err := testledger.Read(ledger)
	if err != nil {
		return 2, err
	}
	own := after[len(before):]
	switch {
	case len(own) == 0 && status == 0:
		err = testledger.Append(ledger, testledger.Entry{Part: part, Name: name, Result: testledger.Pass})
	case status != 0 && !anyFailed(own):
		err = testledger.Append(ledger, testledger.Entry{Part: part, Name: name, Result: testledger.Fail,
			Reason: "exit status " + strconv.Itoa(status)})
	}
	return status, err
}

// partFailed records that make gave up on part with status, unless an entry
// of the part already failed: a step make ran outside any check (a build, a
// script) must not fail unseen.
func partFailed(ledger, part, status string) error {
	entries, err := testledger.Read(ledger)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Part == part && e.Result == testledger.Fail {
			return nil
		}
	}
	return testledger.Append(ledger, testledger.Entry{Part: part, Name: "make " + part,
		Result: testledger.Fail, Reason: "exit status " + status})
}

func summary(ledger string) (int, error) {
	if ledger == "" {
		return 2, fmt.Errorf("%s is not set", testledger.EnvVar)
	}
	entries, err := testledger.Read(ledger)
	if err != nil {
		return 2, err
	}
	tally := testledger.Count(entries)
	for _, failure := range tally.Failures {
		fmt.Println("FAILED " + failure)
	}
	fmt.Println(tally.Line("make test"))
	if tally.Failed > 0 || tally.Passed == 0 {
		return 1, nil
	}
	return 0, nil
}

func anyFailed(entries []testledger.Entry) bool {
	for _, e := range entries {
		if e.Result == testledger.Fail {
			return true
		}
	}
	return false
}

// exitStatus turns what exec returns into a shell's exit status: the
// status, 128+N for a death by signal N, and 127 for a command that could
// not start (with the error, which the caller shows).
func exitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	exit, ok := err.(*exec.ExitError)
	if !ok {
		return 127, err
	}
	if exit.Exited() {
		return exit.ExitCode(), nil
	}
	return 128 + signalOf(exit), nil
}
