package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/logverify"
	"minhbach/internal/translog"
)

// The public transparency log's commands (docs/transparency-log.md):
// `portal log verify` checks a published log from its objects alone, and
// `portal log mirror` copies them into a directory. Both read the log from
// the portal's public endpoints (--url), a mirror directory (--dir, verify
// only) or, with neither, the portal's own bucket, where the sequencer
// writes it under log/.
const logUsage = `usage:
  portal log verify [--url BASE | --dir MIRROR] [--key KEY] [--origin ORIGIN] [--witness FILE]
      check the log: every checkpoint signed by KEY and consistent with the
      previous one, the tree rebuilt from the entry bundles, every hash tile
      and partial bundle, every entry well-formed; with --witness, that the
      log extends a checkpoint a witness cosigned. Without --url or --dir,
      the log is read from the portal's bucket, and KEY and ORIGIN default
      to the configuration's (PORTAL_LOG_KEY, PORTAL_LOG_ORIGIN). KEY is the
      log's public note key (ORIGIN+HASH+BASE64), as GET /api/v1/log gives
      it; ORIGIN defaults to its name. Exit 1 at the first inconsistency,
      naming the object.
  portal log mirror [--url BASE] --dir DIR
      copy every published object into DIR (only those not there yet; the
      latest checkpoint replaced atomically, never by a smaller one);
      without --url, from the portal's bucket.
`

// logCommand dispatches `portal log verify` and `portal log mirror`.
func logCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{strings.TrimSuffix(logUsage, "\n")}
	}
	switch args[0] {
	case "verify":
		return logVerifyCommand(ctx, args[1:], getenv, stdout, stderr)
	case "mirror":
		return logMirrorCommand(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, logUsage)
		return err
	}
	return usageError{fmt.Sprintf("unknown log command %q\n%s", args[0], logUsage)}
}

// parseLogFlags parses fs's flags from args, refusing positional
// arguments, and turns a parse error into a usage error.
func parseLogFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // the usage error carries the whole usage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError{strings.TrimSuffix(logUsage, "\n")}
		}
		return usageError{fmt.Sprintf("%v\n%s", err, logUsage)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q\n%s", fs.Args(), logUsage)}
	}
	return nil
}

func logVerifyCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("log verify", flag.ContinueOnError)
	base := fs.String("url", "", "the log's base address, e.g. https://portal.example/log")
	dir := fs.String("dir", "", "a mirror directory")
	origin := fs.String("origin", "", "the log's origin (default: the key's name)")
	keyText := fs.String("key", "", "the log's public note key")
	witnessFile := fs.String("witness", "", "a checkpoint cosigned by a witness, which the log must extend")
	if err := parseLogFlags(fs, args); err != nil {
		return err
	}
	if *base != "" && *dir != "" {
		return usageError{"log verify: --url and --dir are exclusive\n" + logUsage}
	}
	// From --url or --dir the log's key must be given; from the portal's
	// own bucket it is the configuration's (PORTAL_LOG_KEY) unless given.
	if *keyText == "" && (*base != "" || *dir != "") {
		return usageError{"log verify: --key, the log's public key, is required with --url or --dir\n" + logUsage}
	}
	var key note.Verifier
	if *keyText != "" {
		var err error
		if key, err = note.NewVerifier(strings.TrimSpace(*keyText)); err != nil {
			return usageError{fmt.Sprintf("log verify: --key: %v", err)}
		}
		if *origin == "" {
			*origin = key.Name()
		}
	}
	opts := logverify.Options{Progress: progressPrinter(stderr)}
	if *witnessFile != "" {
		var err error
		if opts.Witness, err = os.ReadFile(*witnessFile); err != nil {
			return fmt.Errorf("--witness: %w", err)
		}
	}
	verify := func(src translog.Source) error {
		rep, err := logverify.Verify(ctx, src, *origin, key, opts)
		var inc *logverify.Inconsistency
		switch {
		case errors.As(err, &inc):
			return fmt.Errorf("the log is inconsistent: %w", err)
		case err != nil:
			return fmt.Errorf("the log could not be verified: %w", err)
		}
		_, err = fmt.Fprintln(stdout, verifySummary(rep))
		return err
	}
	switch {
	case *base != "":
		return verify(translog.HTTPSource{Base: *base})
	case *dir != "":
		if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--dir %s: not a directory", *dir)
		}
		return verify(translog.DirSource{Dir: *dir})
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		if key == nil {
			key = a.logVerifier
			if *origin == "" {
				*origin = a.logOrigin
			}
		}
		return verify(logverify.BlobSource{Blobs: a.blobs})
	})
}

// verifySummary is the one line `portal log verify` prints on success.
func verifySummary(rep logverify.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "log verified: %d checkpoints, %d entries, size %d, root %s", rep.Checkpoints, rep.Entries, rep.Size,
		base64.StdEncoding.EncodeToString(rep.Root[:]))
	if rep.Witnessed >= 0 {
		fmt.Fprintf(&b, ", extends the witnessed checkpoint of size %d", rep.Witnessed)
	}
	var events []string
	for _, e := range translog.Events() {
		if n := rep.Events[e]; n > 0 {
			events = append(events, fmt.Sprintf("%s %d", e, n))
		}
	}
	if len(events) > 0 {
		b.WriteString("; " + strings.Join(events, ", "))
	}
	return b.String()
}

// progressPrinter writes Verify's progress to w every few seconds, so a
// long verification shows it is moving and a short one prints nothing.
func progressPrinter(w io.Writer) func(logverify.Progress) {
	next := time.Now().Add(5 * time.Second)
	return func(p logverify.Progress) {
		if now := time.Now(); now.After(next) {
			next = now.Add(5 * time.Second)
			fmt.Fprintf(w, "log verify: %d of %d entries, %d of %d checkpoints\n", p.Entries, p.Size, p.Checkpoints, p.CheckpointsTotal)
		}
	}
}

func logMirrorCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("log mirror", flag.ContinueOnError)
	base := fs.String("url", "", "the log's base address, e.g. https://portal.example/log")
	dir := fs.String("dir", "", "the mirror directory (created if missing)")
	if err := parseLogFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{"log mirror: --dir is required\n" + logUsage}
	}
	mirror := func(src translog.Source) error {
		next := time.Now().Add(5 * time.Second)
		rep, err := logverify.Mirror(ctx, src, *dir, func(r logverify.MirrorReport) {
			if now := time.Now(); now.After(next) {
				next = now.Add(5 * time.Second)
				fmt.Fprintf(stderr, "log mirror: %d objects fetched, %d already present\n", r.Fetched, r.Present)
			}
		})
		if err != nil {
			return fmt.Errorf("log mirror (%d objects fetched before it stopped): %w", rep.Fetched, err)
		}
		_, err = fmt.Fprintf(stdout, "log mirrored into %s: %d objects fetched, %d already present, latest checkpoint size %d\n",
			*dir, rep.Fetched, rep.Present, rep.Size)
		return err
	}
	if *base != "" {
		return mirror(translog.HTTPSource{Base: *base})
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		return mirror(logverify.BlobSource{Blobs: a.blobs})
	})
}
