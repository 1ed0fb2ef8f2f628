package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"minhbach/internal/job"
	"minhbach/internal/periodreport"
	"minhbach/services"
)

const reportUsage = "usage: portal report period --scope unit:<id>|front:<id>|all --from YYYY-MM --to YYYY-MM --format xlsx|csv|pdf [--out FILE]"

// operator is who the command line acts as: the server's operator, with an
// administrator's scope; the admin audit log names it "system".
var operator = services.Actor{UserID: "system", Role: services.RoleAdmin}

// reportCommand is `portal report period`: the period review report
// (docs/period-report.md) of a scope and range, the same bytes GET
// /api/v1/reports/period answers, written to --out or stdout. It first
// folds what the statistics have not counted yet (unless a running portal
// holds their lease and does it), and records the download in the admin
// audit log as the route does.
func reportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "period" {
		return usageError{reportUsage}
	}
	fs := flag.NewFlagSet("report period", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scope := fs.String("scope", "", "")
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	format := fs.String("format", "", "")
	out := fs.String("out", "", "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return usageError{reportUsage}
	}
	switch *format {
	case services.PeriodFormatXLSX, services.PeriodFormatCSV, services.PeriodFormatPDF:
	default:
		return usageError{reportUsage}
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		jobs := &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now}
		if _, err := jobs.RunOnce(ctx, "stats", time.Hour, a.Stats.CatchUp); err != nil {
			return err
		}
		r, err := a.PeriodReports.Build(ctx, operator, services.PeriodQuery{Scope: *scope, From: *from, To: *to})
		if err != nil {
			var e *services.Error
			if errors.As(err, &e) && e.Code == services.CodeInvalid {
				return usageError{fmt.Sprintf("%s %v\n%s", e.Message, e.Fields, reportUsage)}
			}
			return err
		}
		body, _, err := periodreport.Render(r, *format)
		if err != nil {
			return err
		}
		if err := a.PeriodReports.RecordDownload(ctx, operator, r, *format); err != nil {
			return err
		}
		if *out == "" {
			_, err = stdout.Write(body)
			return err
		}
		if err := os.WriteFile(*out, body, 0o600); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stderr, "period report written: %s (%d bytes)\n", *out, len(body))
		return err
	})
}
