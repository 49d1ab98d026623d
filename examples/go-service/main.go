// Command go-service is the smallest HTTP service worth putting under
// pidone: it answers on /, reports liveness on /healthz and readiness on
// /readyz, logs to stdout, and on SIGTERM stops accepting connections and
// finishes the requests in flight before it exits.
//
// pidone runs it as PID 1's only child (see the Dockerfile beside it). With
// PIDONE_STOP_DELAY set, pidone holds SIGTERM back for that long, so
// Kubernetes has removed the pod from its Service's endpoints before the
// server starts to shut down.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	log.SetOutput(os.Stdout)
	addr := envOr("LISTEN_ADDR", ":8080")
	shutdownTimeout, err := time.ParseDuration(envOr("SHUTDOWN_TIMEOUT", "10s"))
	if err != nil {
		log.Fatalf("SHUTDOWN_TIMEOUT: %v", err)
	}

	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()

	server := &http.Server{Addr: addr, Handler: routes(stop), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.ListenAndServe() }()
	log.Printf("listening on %s", addr)

	select {
	case err := <-served:
		log.Fatalf("serve: %v", err)
	case <-stop.Done():
	}
	log.Printf("stop signal received, draining for up to %s", shutdownTimeout)
	ctx, done := context.WithTimeout(context.Background(), shutdownTimeout)
	defer done()
	if err := server.Shutdown(ctx); err != nil {
		log.Fatalf("shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serve: %v", err)
	}
	log.Printf("stopped")
}

// routes answers on /, /healthz and /readyz. Readiness fails once the stop
// signal has arrived, so a load balancer still probing sends no new work.
func routes(stop context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello from go-service")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if stop.Err() != nil {
			http.Error(w, "stopping", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}
