// Command portal is Minh Bạch: the citizen complaint portal's API server with
// its embedded web app, and its administrative subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var u usageError
		fmt.Fprintln(os.Stderr, "portal:", err)
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

const usage = `Minh Bạch portal

Usage:
  portal [serve]     run the portal (API and web app); embedded database and
                     object store unless PORTAL_MONGODB_URI and
                     PORTAL_S3_ENDPOINT are set
  portal admin create-user --email E --role R [--unit U] [--name N]
                     create a staff account (password read from stdin or,
                     on a terminal, typed without echo; never from argv)
  portal seed demo   load demo units, staff accounts (admin@, lead@, inspector@,
                     monitor@demo.minhbach.vn; password PORTAL_DEMO_PASSWORD
                     or a printed random one) and sample reports
  portal audit verify [--witness FILE]
                     check every report's hash-chained audit trail, the
                     latest signed checkpoint of the chain heads, and every
                     report and admin change against the public log (which
                     must extend a witness's cosigned checkpoint, if given)
  portal audit checkpoint
                     write a signed checkpoint of every chain head now (the
                     server writes one every hour)
  portal reap        remove abandoned uploads and expired idempotency keys now
                     (the server also does this in the background)
  portal check       list reports whose evidence objects are missing or altered
                     (SHA-256) and objects no report references; exit 1 if any
  portal stats rebuild [--check]
                     recompute every statistics counter from the reports
                     (--check: only compare, list the cells that differ and
                     exit 1 if any)
  portal report period --scope unit:<id>|front:<id>|all --from YYYY-MM
                     --to YYYY-MM --format xlsx|csv|pdf [--out FILE]
                     the period review report of a unit, a committee or the
                     whole portal over whole months (stdout without --out);
                     recorded in the admin audit log
  portal log verify|mirror
                     check the public log from its published objects alone,
                     or copy them into a directory (portal log help)
  portal witness init|run
                     a Front committee's witness of the public log
                     (docs/transparency-log.md; needs no portal configuration)
  portal healthcheck exit 0 when the portal on PORTAL_ADDR answers /readyz
                     (for container healthchecks; images have no curl)
  portal help        show this help

Configuration is read from PORTAL_* environment variables (see README.md).
`

// run is the whole program, with its environment passed in so tests can run
// it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if len(args) > 0 {
			return usageError{fmt.Sprintf("serve takes no arguments, got %q", args)}
		}
		cfg, err := loadConfig(getenv)
		if err != nil {
			return fmt.Errorf("configuration:\n%w", err)
		}
		return serve(ctx, cfg, newLogger(cfg, stderr))
	case "reap":
		return reapOnce(ctx, getenv, stdout, stderr)
	case "check":
		return checkOnce(ctx, getenv, stdout, stderr)
	case "audit":
		return auditCommands(ctx, args, getenv, stdout, stderr)
	case "log":
		return logCommand(ctx, args, getenv, stdout, stderr)
	case "stats":
		return statsCommand(ctx, args, getenv, stdout, stderr)
	case "report":
		return reportCommand(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "admin":
		return adminCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, getenv, stdout)
	case "witness":
		return witnessCommand(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	}
	return usageError{fmt.Sprintf("unknown command %q (try: portal help)", cmd)}
}

// healthcheck asks the local portal whether it is ready.
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	addr := getenv("PORTAL_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("PORTAL_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready (%d): %s", resp.StatusCode, body)
	}
	_, err = fmt.Fprintf(stdout, "%s\n", body)
	return err
}
