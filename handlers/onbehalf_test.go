package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"minhbach/services"
)

// onBehalf is a named bribe report a citizen brought to a reception day,
// as the inspector keys it in.
func onBehalf(channel string) string {
	body := strings.Replace(validFeedback, `"anonymous":true`, storyIdentity, 1)
	body = strings.Replace(body, `"kind":"feedback"`, `"kind":"denunciation"`, 1)
	return strings.Replace(body, `{`, `{"channel":"`+channel+`",`, 1)
}

type filedOnBehalf struct {
	ID, TrackingCode, Receipt, Kind, Channel, ContentHash, ProofURL string
	Token                                                           string
}

// TestFileOnBehalfStory: an inspector files a report for a citizen who came
// to a reception day. The citizen gets the tracking code, the receipt and
// the signed proof on a slip and follows the report online like anyone; the
// channel is shown to staff and the monitor, counted in the statistics;
// who filed it is on the audit chain; the monitor never sees the identity.
func TestFileOnBehalfStory(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()

	var r filedOnBehalf
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases", onBehalf("reception"), http.StatusCreated, &r)
	if r.TrackingCode == "" || r.Receipt == "" || r.Channel != "reception" || r.Kind != "denunciation" || r.ProofURL != "/api/v1/cases/"+r.ID+"/proof.pdf" {
		t.Fatalf("answer: %+v", r)
	}
	if r.Token != "" {
		t.Fatal("the staff member was given the citizen's session")
	}

	// The slip's proof is the signed proof of filing: it verifies.
	w := f.staffGet(st.inspector.access, r.ProofURL)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("proof: %d %s", w.Code, w.Body)
	}
	v := f.do(http.MethodPost, "/api/v1/receipts/verify", "application/pdf", bytes.NewReader(w.Body.Bytes()))
	var check struct {
		Valid        bool
		TrackingCode string
		ContentHash  string
	}
	json.Unmarshal(v.Body.Bytes(), &check)
	if v.Code != http.StatusOK || !check.Valid || check.TrackingCode != r.TrackingCode || check.ContentHash != r.ContentHash {
		t.Fatalf("verify: %d %s", v.Code, v.Body)
	}

	// The citizen follows it online with the slip's code and receipt.
	token := f.login(t, r.TrackingCode, r.Receipt)
	var tv struct {
		TrackingCode string
		Timeline     []struct{ Type, Actor string }
	}
	f.call(t, token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	if tv.TrackingCode != r.TrackingCode || len(tv.Timeline) == 0 || tv.Timeline[0].Type != "submitted" || tv.Timeline[0].Actor != "staff" {
		t.Fatalf("tracking: %+v", tv)
	}

	// Staff see the channel and who took it, in the report and the queue.
	var sc struct {
		Channel, FiledBy string
		Named            bool
		People           map[string]struct{ Name string }
	}
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+r.ID, "", http.StatusOK, &sc)
	if sc.Channel != "reception" || sc.FiledBy != st.inspector.user.ID || !sc.Named || sc.People[st.inspector.user.ID].Name == "" {
		t.Fatalf("case: %+v", sc)
	}
	var q struct {
		Items []struct{ ID, Channel string }
	}
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases", "", http.StatusOK, &q)
	if len(q.Items) != 1 || q.Items[0].Channel != "reception" {
		t.Fatalf("queue: %+v", q)
	}

	// The monitor sees the channel, never the identity.
	w = f.staffGet(st.monitor.access, "/api/v1/cases/"+r.ID)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"channel":"reception"`) {
		t.Fatalf("monitor: %d %s", w.Code, w.Body)
	}
	for _, secret := range []string{"Trần Thị Bích", "0912345678", "bich.tran@example.org", "079188004455", r.Receipt} {
		if strings.Contains(w.Body.String(), secret) {
			t.Fatalf("the monitor's page shows %q", secret)
		}
	}
	if w := f.staffGet(st.monitor.access, "/api/v1/cases/"+r.ID+"/identity"); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
		t.Fatalf("monitor identity: %d", w.Code)
	}
	// The identity was sealed like the web form's.
	c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	id, ok, err := f.vault.Open(ctx, c.ID)
	if err != nil || !ok || id.Name != "Trần Thị Bích" {
		t.Fatalf("identity: %+v %v", id, err)
	}

	// Who filed it is on the audit chain.
	var audit struct {
		Events []struct{ Actor, Type string }
	}
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+r.ID+"/audit", "", http.StatusOK, &audit)
	if len(audit.Events) == 0 || audit.Events[0].Type != "submitted" || audit.Events[0].Actor != st.inspector.user.ID {
		t.Fatalf("audit: %+v", audit.Events)
	}

	// Counted by channel.
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	month := f.clock.Now().In(services.VietnamTime).Format("2006-01")
	rep, err := f.PeriodReports.Build(ctx, services.Actor{UserID: st.lead.user.ID, Role: services.RoleLead, UnitID: st.unitID},
		services.PeriodQuery{Scope: "unit:" + st.unitID, From: month, To: month})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, row := range rep.ByChannel {
		got[row.Key] = row.Received
	}
	if got["reception"] != 1 || got["web"] != 0 || len(rep.ByChannel) != len(services.Channels) {
		t.Fatalf("by channel: %v", got)
	}
}

// TestFileOnBehalfRefusals: only inspectors and leads file on behalf, only
// on the staff channels, with the web form's rules; nothing is stored when
// refused.
func TestFileOnBehalfRefusals(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	f.mkUser(t, "admin@story.test", services.RoleAdmin, "")
	admin := f.staffLogin(t, "admin@story.test", "")
	for _, c := range []struct {
		name, token, body string
		want              int
		reason            string
	}{
		{"anonymous", "", onBehalf("reception"), http.StatusUnauthorized, "sign_in_first"},
		{"monitor", st.monitor.access, onBehalf("reception"), http.StatusForbidden, "on_behalf_forbidden"},
		{"admin", admin.access, onBehalf("hotline"), http.StatusForbidden, "on_behalf_forbidden"},
		{"web channel", st.inspector.access, onBehalf("web"), http.StatusBadRequest, "fields_invalid"},
		{"open311 channel", st.inspector.access, onBehalf("open311"), http.StatusBadRequest, "fields_invalid"},
		{"no channel", st.inspector.access, strings.Replace(onBehalf("x"), `"channel":"x",`, "", 1), http.StatusBadRequest, "fields_invalid"},
		{"anonymous complaint", st.lead.access, strings.Replace(strings.Replace(validFeedback, `"kind":"feedback"`, `"kind":"complaint"`, 1), `{`, `{"channel":"mail",`, 1),
			http.StatusBadRequest, "fields_invalid"},
		{"unknown field", st.inspector.access, strings.Replace(onBehalf("mail"), `{`, `{"filedBy":"someone",`, 1), http.StatusBadRequest, "request_malformed"},
	} {
		w := f.do(http.MethodPost, "/api/v1/cases", "application/json", strings.NewReader(c.body), "Authorization", "Bearer "+c.token)
		if w.Code != c.want || decodeError(t, w).Error.Reason != c.reason {
			t.Errorf("%s: %d %s, want %d %s", c.name, w.Code, w.Body, c.want, c.reason)
		}
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	// A hotline report by a lead, anonymous feedback: filed.
	var r filedOnBehalf
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases", strings.Replace(validFeedback, `{`, `{"channel":"hotline",`, 1), http.StatusCreated, &r)
	if r.Channel != "hotline" {
		t.Fatalf("%+v", r)
	}
	// Another unit's inspector cannot fetch its proof.
	f.mkUser(t, "inspector@other.test", services.RoleInspector, "unit-other")
	other := f.staffLogin(t, "inspector@other.test", "")
	if w := f.staffGet(other.access, r.ProofURL); w.Code != http.StatusNotFound {
		t.Fatalf("other unit's proof: %d", w.Code)
	}
}
