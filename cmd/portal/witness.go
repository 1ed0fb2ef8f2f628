package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/internal/witness"
)

const witnessUsage = `usage:
  portal witness init --dir D --name N
  portal witness run --dir D (--log-url URL | --log-dir D) --log-key VKEY [--portal-url URL] [--interval 5m] [--once]`

// witnessCommand is `portal witness`: a Front committee's witness of the
// public log (internal/witness; docs/transparency-log.md, "The Front as
// witness"). It reads only the log's public objects and posts to the
// portal's cosignature route: no configuration, database or bucket of the
// portal's, so it runs on the committee's own machine.
func witnessCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{witnessUsage}
	}
	switch args[0] {
	case "init":
		return witnessInit(args[1:], stdout)
	case "run":
		return witnessRun(ctx, args[1:], stdout, stderr)
	}
	return usageError{witnessUsage}
}

func witnessInit(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("witness init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "")
	name := fs.String("name", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *dir == "" || *name == "" {
		return usageError{witnessUsage}
	}
	vkey, rvkey, err := witness.Init(*dir, *name)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, `witness key written to %s (mode 0600: keep it secret, and back it up)
Give the portal's operator these two verifier keys, to register the witness
(both in PORTAL_LOG_WITNESSES, separated by a space):
cosignature key: %s
refusal key:     %s
`, filepath.Join(*dir, witness.KeyFile), vkey, rvkey)
	return err
}

func witnessRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("witness run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "")
	logURL := fs.String("log-url", "", "")
	logDir := fs.String("log-dir", "", "")
	logKey := fs.String("log-key", "", "")
	portalURL := fs.String("portal-url", "", "")
	interval := fs.Duration("interval", 5*time.Minute, "")
	once := fs.Bool("once", false, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *dir == "" || *logKey == "" || (*logURL == "") == (*logDir == "") {
		return usageError{witnessUsage}
	}
	if *interval < 10*time.Second {
		return usageError{fmt.Sprintf("--interval %v: at least 10s\n%s", *interval, witnessUsage)}
	}
	logV, err := note.NewVerifier(*logKey)
	if err != nil {
		return usageError{fmt.Sprintf("--log-key: not a signed-note verifier key (%v)\n%s", err, witnessUsage)}
	}
	key, err := witness.LoadKey(*dir)
	if err != nil {
		return err
	}
	unlock, err := witness.Lock(*dir)
	if err != nil {
		return err
	}
	defer unlock()
	client := &http.Client{Timeout: 30 * time.Second}
	var src translog.Source = translog.DirSource{Dir: *logDir}
	if *logURL != "" {
		if u, err := url.Parse(*logURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Sprintf("--log-url %q: an http or https address\n%s", *logURL, witnessUsage)}
		}
		src = translog.HTTPSource{Base: *logURL, Client: client}
	}
	w := &witness.Witness{
		Dir: *dir, Key: key, LogOrigin: logV.Name(), LogVerifier: logV, Source: src,
		Attempts: 3, RetryDelay: 2 * time.Second,
	}
	if *portalURL != "" {
		if u, err := url.Parse(*portalURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Sprintf("--portal-url %q: an http or https address\n%s", *portalURL, witnessUsage)}
		}
		if w.Post, err = witness.HTTPPoster(*portalURL, client); err != nil {
			return err
		}
	}
	for {
		res, err := w.RunOnce(ctx)
		if err != nil {
			if *once {
				return err
			}
			fmt.Fprintf(stderr, "%s witness: %v (trying again in %v)\n", time.Now().UTC().Format(time.RFC3339), err, *interval)
		} else {
			fmt.Fprintf(stdout, "%s %s\n", time.Now().UTC().Format(time.RFC3339), describe(res))
			if *once && res.Outcome == witness.Refused {
				return fmt.Errorf("refused (%s); see %s", res.Refusal.Reason, filepath.Join(*dir, witness.RefusedFile))
			}
		}
		if *once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*interval):
		}
	}
}

// describe is a run's one line of output.
func describe(res witness.Result) string {
	var b strings.Builder
	head := func(h *translog.TreeHead) string {
		if h == nil {
			return "none"
		}
		return fmt.Sprintf("size %d root %s", h.Size, base64.StdEncoding.EncodeToString(h.Root[:]))
	}
	switch {
	case res.Outcome == witness.Cosigned && res.Unchanged:
		fmt.Fprintf(&b, "cosigned again (unchanged): %s", head(res.Got))
	case res.Outcome == witness.Cosigned:
		fmt.Fprintf(&b, "cosigned %s (last cosigned: %s)", head(res.Got), head(res.Seen))
	case res.Sticky:
		fmt.Fprintf(&b, "REFUSING since an earlier refusal (%s: %s); delete %s once resolved", res.Refusal.Reason, res.Refusal.Detail, witness.RefusedFile)
	default:
		fmt.Fprintf(&b, "REFUSED (%s): %s; last cosigned: %s; log shows: %s", res.Refusal.Reason, res.Refusal.Detail, head(res.Seen), head(res.Got))
	}
	switch {
	case res.Posted:
		b.WriteString("; posted to the portal")
	case errors.Is(res.PostErr, context.Canceled):
		b.WriteString("; not posted (stopped)")
	case res.PostErr != nil:
		fmt.Fprintf(&b, "; NOT posted: %v (posted again at the next run)", res.PostErr)
	}
	return b.String()
}
