package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMonitorNeverSeesIdentity calls every GET route a monitor can reach,
// on a report that has been through custody, an identity reading,
// recommendations and a conclusion, and checks that no answer carries any
// identity value — and that the evidence route gives monitors the
// sanitized copy only.
func TestMonitorNeverSeesIdentity(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	f.mkUser(t, "lead2@story.test", "lead", "unit-story")
	lead2 := f.staffLogin(t, "lead2@story.test", "")
	r := f.fileNamed(t, "complaint")
	var list struct{ Items []struct{ ID string } }
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases", "", http.StatusOK, &list)
	id := list.Items[0].ID
	base := "/api/v1/cases/" + id
	// Evidence with metadata, custody, an identity reading.
	body, ct := multipartBody(t, "", "", upload{"photo.jpg", jpegWithGPS(t)})
	w := f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, "Authorization", "Bearer "+r.Token)
	var added struct{ Attachments []struct{ ID string } }
	json.Unmarshal(w.Body.Bytes(), &added)
	if len(added.Attachments) != 1 {
		t.Fatalf("evidence: %d %s", w.Code, w.Body)
	}
	var grant struct{ ID string }
	f.call(t, st.inspector.access, http.MethodPost, base+"/custody", `{"reason":"Cần liên hệ người phản ánh"}`, http.StatusCreated, &grant)
	f.call(t, lead2.access, http.MethodPost, "/api/v1/custody/"+grant.ID+"/decision", `{"approve":true}`, http.StatusOK, nil)
	f.call(t, st.inspector.access, http.MethodGet, base+"/identity", "", http.StatusOK, nil)
	for _, to := range []string{"accepted", "investigating"} {
		f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"`+to+`"}`, http.StatusOK, nil)
	}
	answerBy := time.Now().In(time.UTC).AddDate(0, 0, 5).Format(time.DateOnly)
	f.call(t, st.monitor.access, http.MethodPost, base+"/recommendations", `{"text":"Đề nghị làm rõ","answerBy":"`+answerBy+`"}`, http.StatusCreated, nil)
	f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"concluded","outcome":"partly_substantiated","actions":"Nhắc nhở","reply":"Một phần đúng","publicSummary":"Nhắc nhở cán bộ","publishSummary":true}`, http.StatusOK, nil)

	secrets := []string{"Trần Thị Bích", "Tr\\u1ea7n", "0912345678", "bich.tran@example.org", "079188004455"}
	params := map[string]string{":id": id, ":aid": added.Attachments[0].ID}
	checked := 0
	for _, route := range f.srv.Routes() {
		method, path, _ := strings.Cut(route, " ")
		if method != http.MethodGet || !strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/api/v1/track") {
			continue
		}
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		if strings.Contains(path, ":") {
			continue // admin routes with other parameters: monitors get 403 there (TestRouteMatrix)
		}
		for _, query := range []string{"", "?original=1", "?state=all", "?overdue=true"} {
			w := f.staffGet(st.monitor.access, path+query)
			for _, s := range secrets {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("GET %s%s as monitor (%d) shows %q", path, query, w.Code, s)
				}
			}
			if strings.Contains(path, "/attachments/") {
				if query == "?original=1" && w.Code != http.StatusForbidden {
					t.Errorf("a monitor got the original: %d", w.Code)
				}
				if query == "" && (w.Code != http.StatusOK || strings.Contains(w.Body.String(), "Exif\x00\x00") || strings.Contains(w.Body.String(), gpsMarker)) {
					t.Errorf("the monitor's copy: %d, or it carries EXIF/GPS", w.Code)
				}
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d calls checked", checked)
	}
}
