package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"minhbach/services"
)

// onceSource is a FileSource that runs before (once, before its first file
// is handed out) and then yields files.
type onceSource struct {
	before func()
	files  []upload
	i      int
}

func (s *onceSource) Next() (services.FilePart, error) {
	if s.before != nil {
		s.before()
		s.before = nil
	}
	if s.i >= len(s.files) {
		return services.FilePart{}, io.EOF
	}
	u := s.files[s.i]
	s.i++
	return services.FilePart{Name: u.name, Body: bytes.NewReader(u.data)}, nil
}

func (f *fixture) caseOfToken(t *testing.T, token string) services.Case {
	t.Helper()
	id, err := f.Tracking.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.env.Store.FindCaseByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUploadCapsSpanLaterUploads: the per-report caps (files and bytes)
// count everything the report already holds, so later uploads (added
// evidence, messages with files) cannot grow it past them.
func TestUploadCapsSpanLaterUploads(t *testing.T) {
	lim := services.DefaultLimits
	lim.MaxFileBytes, lim.MaxReportBytes, lim.MaxFiles = 300<<10, 500<<10, 3
	f := newFixture(t, func(o *fixtureOptions) { o.limits = lim })
	mid := append(samplePDF(), bytes.Repeat([]byte("y"), 200<<10)...)
	png := samplePNG(t, 4, 4)

	// Files: 2 at filing, then 2 more as added evidence: 4 > 3.
	_, a := f.submitFiles(t, validFeedback, upload{"1.png", png}, upload{"2.png", png})
	auth := []string{"Authorization", "Bearer " + a.Token}
	body, ct := multipartBody(t, "", "", upload{"3.png", png}, upload{"4.png", png})
	w := f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, auth...)
	if w.Code != http.StatusRequestEntityTooLarge || decodeError(t, w).Error.Code != "too_large" {
		t.Fatalf("fourth file through added evidence: %d %s", w.Code, w.Body)
	}
	// A message's file counts too: the third file is accepted, a fourth is not.
	body, ct = multipartBody(t, "message", `{"text":"ảnh"}`, upload{"3.png", png})
	if w := f.do(http.MethodPost, "/api/v1/track/messages", ct, body, auth...); w.Code != http.StatusCreated {
		t.Fatalf("third file on a message: %d %s", w.Code, w.Body)
	}
	body, ct = multipartBody(t, "message", `{"text":"ảnh nữa"}`, upload{"4.png", png})
	if w := f.do(http.MethodPost, "/api/v1/track/messages", ct, body, auth...); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("fourth file on a message: %d %s", w.Code, w.Body)
	}
	if c := f.caseOfToken(t, a.Token); len(c.Attachments) != 3 || len(c.Messages) != 1 {
		t.Fatalf("report holds %d files and %d messages", len(c.Attachments), len(c.Messages))
	}

	// Bytes: 200 KiB at filing, then 2×200 KiB added: 600 KiB > 500 KiB.
	_, b := f.submitFiles(t, validFeedback, upload{"1.pdf", mid})
	body, ct = multipartBody(t, "", "", upload{"2.pdf", mid}, upload{"3.pdf", mid})
	w = f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, "Authorization", "Bearer "+b.Token)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("bytes over the report cap through added evidence: %d %s", w.Code, w.Body)
	}
	c := f.caseOfToken(t, b.Token)
	var total int64
	for _, x := range c.Attachments {
		total += x.Size
	}
	if len(c.Attachments) != 1 || total > lim.MaxReportBytes {
		t.Fatalf("report holds %d files, %d bytes", len(c.Attachments), total)
	}
	for _, k := range f.objectKeys(t) {
		if !bytes.Contains([]byte(k), []byte(c.ID)) && !bytes.Contains([]byte(k), []byte(f.caseOfToken(t, a.Token).ID)) {
			t.Errorf("stray object %s", k)
		}
	}
}

// TestConcurrentUploadsCannotOvershootReportCaps: uploads racing each other
// are each within the caps, together over them; the report never holds
// more than the caps allow.
func TestConcurrentUploadsCannotOvershootReportCaps(t *testing.T) {
	lim := services.DefaultLimits
	lim.MaxFileBytes, lim.MaxReportBytes, lim.MaxFiles = 300<<10, 500<<10, 3
	f := newFixture(t, func(o *fixtureOptions) { o.limits = lim })
	png := samplePNG(t, 4, 4)
	_, a := f.submitFiles(t, validFeedback)
	id := f.caseOfToken(t, a.Token).ID
	const racers = 4
	var wg sync.WaitGroup
	ok := make(chan int, racers)
	start := make(chan struct{})
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := &onceSource{before: func() { <-start }, files: []upload{{"a.png", png}, {"b.png", png}}}
			if atts, err := f.Tracking.AddEvidence(context.Background(), id, src); err == nil {
				ok <- len(atts)
			} else if !services.IsCode(err, services.CodeTooLarge) && !services.IsCode(err, services.CodeConflict) {
				t.Errorf("racer: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(ok)
	accepted := 0
	for n := range ok {
		accepted += n
	}
	c := f.caseOfToken(t, a.Token)
	if len(c.Attachments) > lim.MaxFiles || accepted != len(c.Attachments) || accepted != 2 {
		t.Fatalf("report holds %d files (cap %d); racers reported %d accepted", len(c.Attachments), lim.MaxFiles, accepted)
	}
}

// TestWithdrawnDuringUploadRefusesEvidenceAndMessages: a report withdrawn
// while the citizen's files were uploading takes neither the files nor the
// message, and the objects are removed.
func TestWithdrawnDuringUploadRefusesEvidenceAndMessages(t *testing.T) {
	f := newFixture(t)
	png := samplePNG(t, 4, 4)
	ctx := context.Background()
	for _, via := range []string{"evidence", "message"} {
		t.Run(via, func(t *testing.T) {
			_, a := f.submitFiles(t, validFeedback)
			c := f.caseOfToken(t, a.Token)
			src := &onceSource{files: []upload{{"late.png", png}}, before: func() {
				if _, err := f.Tracking.Withdraw(ctx, c.ID, "Tôi rút đơn"); err != nil {
					t.Errorf("withdraw: %v", err)
				}
			}}
			var err error
			if via == "evidence" {
				_, err = f.Tracking.AddEvidence(ctx, c.ID, src)
			} else {
				_, _, err = f.Tracking.SendMessage(ctx, c.ID, "Gửi thêm", src)
			}
			if !services.IsCode(err, services.CodeConflict) {
				t.Fatalf("write to a report withdrawn meanwhile: %v", err)
			}
			c = f.caseOfToken(t, a.Token)
			if c.Status != services.StatusWithdrawn || len(c.Attachments) != 0 || len(c.Messages) != 0 {
				t.Fatalf("report after = %s, %d files, %d messages", c.Status, len(c.Attachments), len(c.Messages))
			}
		})
	}
	for _, k := range f.objectKeys(t) {
		t.Errorf("object left behind: %s", k)
	}
}

// TestWithdrawnReportCannotBeRerouted: a lead cannot move a report the
// citizen withdrew to another unit, and its page does not offer it.
func TestWithdrawnReportCannotBeRerouted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, caseID := f.routedReport(t, "unit-a", "front-a")
	lead := f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	actor := services.Actor{UserID: lead.ID, Role: services.RoleLead, UnitID: lead.UnitID}
	if _, err := f.Tracking.Withdraw(ctx, caseID, "Tôi rút đơn"); err != nil {
		t.Fatal(err)
	}
	_, err := f.Workflow.Reroute(ctx, actor, caseID, f.unit(t, "unit-b"), "", "Thuộc thẩm quyền đơn vị B")
	if !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("re-routing a withdrawn report: %v", err)
	}
	p, err := f.Workflow.CasePage(ctx, actor, caseID)
	if err != nil || p.Can.Reroute || p.Case.UnitID != f.unit(t, "unit-a") {
		t.Fatalf("page of the withdrawn report: can reroute %v, unit %s, %v", p.Can.Reroute, p.Case.UnitID, err)
	}
}
