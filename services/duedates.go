package services

import (
	"context"
	"time"
)

// NoDue is the due date stored on reports with no running clock (closed,
// rejected, …): far in the future, so that "nearest due first" lists them
// last and "overdue" (due before now) never matches them.
var NoDue = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// NextDue is the earliest due date of the running clocks, or NoDue.
func NextDue(clocks []Clock) time.Time {
	due := NoDue
	for _, k := range clocks {
		if k.Stopped.IsZero() && k.Due.Before(due) {
			due = k.Due
		}
	}
	return due
}

// DueDates is a CaseStore that keeps each report's next due date (DueAt)
// up to date on every write that changes its status, so that queues can be
// sorted and filtered by it in the database.
type DueDates struct {
	caseStore
	book *DeadlineBook
}

// NewDueDates keeps the due dates of the reports in store from book.
func NewDueDates(store CaseStore, book *DeadlineBook) *DueDates {
	return &DueDates{caseStore: store, book: book}
}

// InsertCase stores a new report with its first due date.
func (d *DueDates) InsertCase(ctx context.Context, c *Case) error {
	clocks, err := d.book.Clocks(ctx, *c)
	if err != nil {
		return err
	}
	c.DueAt = NextDue(clocks)
	return d.caseStore.InsertCase(ctx, c)
}

// UpdateCase recomputes the due date when the change moves the status, the
// complexity or the extensions; when the due date moves, the sweep's
// overdue and near-deadline marks are cleared so that the new date is
// watched afresh.
func (d *DueDates) UpdateCase(ctx context.Context, id string, version int64, ch CaseChange) (Case, error) {
	if ch.Status != "" || ch.Complex != nil || ch.Extensions != nil {
		c, err := d.caseStore.FindCaseByID(ctx, id)
		if err != nil {
			return Case{}, err
		}
		// The report as it will be after the change.
		if ch.Status != "" {
			c.Status = ch.Status
		}
		if ch.Complex != nil {
			c.Complex = *ch.Complex
		}
		if ch.Extensions != nil {
			c.Extensions = ch.Extensions
		}
		c.Timeline = append(c.Timeline, ch.Events...)
		clocks, err := d.book.Clocks(ctx, c)
		if err != nil {
			return Case{}, err
		}
		due := NextDue(clocks)
		ch.DueAt = &due
		if !due.Equal(c.DueAt) {
			no := false
			ch.OverdueFlagged, ch.NearNotified = &no, &no
		}
	}
	return d.caseStore.UpdateCase(ctx, id, version, ch)
}
