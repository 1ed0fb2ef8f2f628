package services_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"minhbach/internal/passhash"
	"minhbach/internal/seal"
	"minhbach/services"
)

// memStore is an in-memory CaseStore, IdentityStore and CatalogStore for the
// domain-rule tests of this package only. Storage behaviour itself is tested
// against the real embedded MongoDB in internal/mongostore and handlers.
type memStore struct {
	mu         sync.Mutex
	nextID     int
	cases      map[string]services.Case
	identities map[string]services.SealedIdentity
	categories map[string]services.Category
	areas      map[string]services.Area

	// codesTried records the tracking code of every InsertCase call.
	codesTried []string
	// conflicts makes the next InsertCase calls fail as duplicate codes.
	conflicts int
	// failInsertCase, when set, is returned by InsertCase instead of storing.
	failInsertCase func(ctx context.Context) error
	// failInsertIdentity, when set, is returned by InsertIdentity.
	failInsertIdentity error
	// failCatalog, when set, is returned by FindCategory and FindArea.
	failCatalog error
	deletes     int
}

var (
	_ services.CaseStore     = (*memStore)(nil)
	_ services.IdentityStore = (*memStore)(nil)
	_ services.CatalogStore  = (*memStore)(nil)
)

// newMemStore returns a store seeded with the default catalog plus one
// inactive category, "retired".
func newMemStore() *memStore {
	s := &memStore{
		cases:      map[string]services.Case{},
		identities: map[string]services.SealedIdentity{},
		categories: map[string]services.Category{},
		areas:      map[string]services.Area{},
	}
	_ = s.SeedCategories(context.Background(), services.DefaultCategories)
	_ = s.SeedCategories(context.Background(), []services.Category{{Code: "retired", Order: 5, Active: false}})
	_ = s.SeedAreas(context.Background(), services.DefaultAreas)
	return s
}

func (s *memStore) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return fmt.Sprintf("case-%04d", s.nextID)
}

func (s *memStore) InsertCase(ctx context.Context, c *services.Case) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codesTried = append(s.codesTried, c.TrackingCode)
	if s.conflicts > 0 {
		s.conflicts--
		return services.Errorf(services.ReasonExists, "Tracking code already in use.")
	}
	if s.failInsertCase != nil {
		return s.failInsertCase(ctx)
	}
	for _, old := range s.cases {
		if old.TrackingCode == c.TrackingCode {
			return services.Errorf(services.ReasonExists, "Tracking code already in use.")
		}
	}
	if _, ok := s.cases[c.ID]; ok {
		return services.Errorf(services.ReasonExists, "Duplicate id.")
	}
	stored := *c
	stored.Timeline = slices.Clone(c.Timeline)
	s.cases[c.ID] = stored
	return nil
}

func (s *memStore) FindCaseByID(_ context.Context, id string) (services.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cases[id]; ok {
		return c, nil
	}
	return services.Case{}, services.Errorf(services.ReasonReportNotFound, "No such report.")
}

func (s *memStore) FindCaseByTrackingCode(_ context.Context, code string) (services.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cases {
		if c.TrackingCode == code {
			return c, nil
		}
	}
	return services.Case{}, services.Errorf(services.ReasonReportNotFound, "No such report.")
}

// UpdateCase is not used by the intake rules tested here; the real
// conditional update is tested in internal/mongostore and handlers.
func (s *memStore) UpdateCase(context.Context, string, int64, services.CaseChange) (services.Case, error) {
	return services.Case{}, services.Errorf(services.ReasonInternal, "memStore does not update reports")
}

func (s *memStore) InsertIdentity(_ context.Context, id services.SealedIdentity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failInsertIdentity != nil {
		return s.failInsertIdentity
	}
	s.identities[id.CaseID] = id
	return nil
}

func (s *memStore) FindIdentity(_ context.Context, caseID string) (services.SealedIdentity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.identities[caseID]; ok {
		return id, nil
	}
	return services.SealedIdentity{}, services.Errorf(services.ReasonNotFound, "No identity.")
}

// DeleteIdentity refuses a dead context, as a real driver would.
func (s *memStore) DeleteIdentity(ctx context.Context, caseID string) error {
	if err := ctx.Err(); err != nil {
		return services.Wrap(err, services.ReasonUnavailable, "The service is busy; please try again.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletes++
	delete(s.identities, caseID)
	return nil
}

func (s *memStore) SeedCategories(_ context.Context, cats []services.Category) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cats {
		if _, ok := s.categories[c.Code]; !ok {
			s.categories[c.Code] = c
		}
	}
	return nil
}

func (s *memStore) SeedAreas(_ context.Context, areas []services.Area) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range areas {
		if _, ok := s.areas[a.Code]; !ok {
			s.areas[a.Code] = a
		}
	}
	return nil
}

func (s *memStore) ListCategories(context.Context) ([]services.Category, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Collect(maps.Values(s.categories))
	slices.SortFunc(out, func(a, b services.Category) int { return a.Order - b.Order })
	return out, nil
}

func (s *memStore) ListAreas(context.Context) ([]services.Area, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Collect(maps.Values(s.areas))
	slices.SortFunc(out, func(a, b services.Area) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func (s *memStore) FindCategory(_ context.Context, code string) (services.Category, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failCatalog != nil {
		return services.Category{}, s.failCatalog
	}
	if c, ok := s.categories[code]; ok {
		return c, nil
	}
	return services.Category{}, services.Errorf(services.ReasonCategoryNotFound, "No such category.")
}

func (s *memStore) FindArea(_ context.Context, code string) (services.Area, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failCatalog != nil {
		return services.Area{}, s.failCatalog
	}
	if a, ok := s.areas[code]; ok {
		return a, nil
	}
	return services.Area{}, services.Errorf(services.ReasonAreaNotFound, "No such area.")
}

func (s *memStore) counts() (cases, identities int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cases), len(s.identities)
}

// assertFields fails unless err is an invalid *services.Error whose Fields
// are exactly want; want == nil means err must be nil.
func assertFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	var e *services.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T %v, want *services.Error with fields %v", err, err, want)
	}
	if e.Code != services.CodeInvalid {
		t.Fatalf("code = %q, want %q (err %v)", e.Code, services.CodeInvalid, err)
	}
	if !reflect.DeepEqual(e.Fields, want) {
		t.Fatalf("fields = %v, want %v", e.Fields, want)
	}
}

// validNow is the fixed "now" of the validation tables: 2026-11-28 01:00 in
// Vietnam, still 2026-11-27 in UTC.
var validNow = time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)

func validFeedback() services.SubmitInput {
	return services.SubmitInput{
		Kind:        services.KindFeedback,
		Category:    "bribe",
		Title:       "Cán bộ một cửa đòi 500.000 đồng \"phí bồi dưỡng\"",
		Description: "Ngày 20/11 tôi nộp hồ sơ cấp đổi giấy phép lái xe.\nCán bộ quầy 3 nói phải nộp thêm 500.000 đồng thì mới nhận.",
		AreaCode:    "26743",
		Place:       "UBND phường Bến Thành",
		Anonymous:   true,
	}
}

func validIdentity() *services.IdentityInput {
	return &services.IdentityInput{
		Name:       "Trần Thị Bích Ngọc",
		Phone:      "+84 912 345 678",
		Email:      "ngoc.tran@example.vn",
		Address:    "12 Lê Lợi, phường Bến Thành",
		NationalID: "079203004005",
	}
}

func named(kind services.Kind, id *services.IdentityInput) func(*services.SubmitInput) {
	return func(in *services.SubmitInput) {
		in.Kind, in.Anonymous, in.Identity = kind, false, id
	}
}

func withIdentity(edit func(*services.IdentityInput)) func(*services.SubmitInput) {
	return func(in *services.SubmitInput) {
		id := validIdentity()
		edit(id)
		named(services.KindComplaint, id)(in)
	}
}

func TestValidate(t *testing.T) {
	lim := services.DefaultLimits
	// "ệ" is one rune but three bytes: limits count characters, not bytes.
	vi := func(n int) string { return strings.Repeat("ệ", n) }

	tests := []struct {
		name string
		edit func(*services.SubmitInput)
		now  time.Time // validNow when zero
		want map[string]string
	}{
		{name: "valid anonymous feedback", edit: func(*services.SubmitInput) {}},
		{name: "valid anonymous denunciation", edit: func(in *services.SubmitInput) { in.Kind = services.KindDenunciation }},
		{name: "valid named complaint", edit: named(services.KindComplaint, validIdentity())},
		{name: "valid named denunciation", edit: named(services.KindDenunciation, validIdentity())},
		{name: "valid named feedback", edit: named(services.KindFeedback, validIdentity())},
		{name: "feedback neither anonymous nor named is allowed", edit: named(services.KindFeedback, nil)},
		{name: "minimal: area code only", edit: func(in *services.SubmitInput) { in.Place = "" }},
		{name: "minimal: place only", edit: func(in *services.SubmitInput) { in.AreaCode = "" }},

		// kind
		{name: "kind missing", edit: func(in *services.SubmitInput) { in.Kind = "" },
			want: map[string]string{"kind": "required"}},
		{name: "kind blank", edit: func(in *services.SubmitInput) { in.Kind = "  \t" },
			want: map[string]string{"kind": "required"}},
		{name: "kind unknown", edit: func(in *services.SubmitInput) { in.Kind = "appeal" },
			want: map[string]string{"kind": "invalid"}},
		{name: "kind is case-sensitive", edit: func(in *services.SubmitInput) { in.Kind = "Feedback" },
			want: map[string]string{"kind": "invalid"}},
		{name: "kind is trimmed", edit: func(in *services.SubmitInput) { in.Kind = " feedback\n" }},

		// category
		{name: "category missing", edit: func(in *services.SubmitInput) { in.Category = "" },
			want: map[string]string{"category": "required"}},
		{name: "category blank", edit: func(in *services.SubmitInput) { in.Category = "   " },
			want: map[string]string{"category": "required"}},

		// title
		{name: "title missing", edit: func(in *services.SubmitInput) { in.Title = "" },
			want: map[string]string{"title": "required"}},
		{name: "title blank", edit: func(in *services.SubmitInput) { in.Title = " \n\t " },
			want: map[string]string{"title": "required"}},
		{name: "title at the limit in Vietnamese", edit: func(in *services.SubmitInput) { in.Title = vi(lim.MaxTitleChars) }},
		{name: "title over the limit", edit: func(in *services.SubmitInput) { in.Title = vi(lim.MaxTitleChars + 1) },
			want: map[string]string{"title": "too_long"}},
		{name: "title limit ignores surrounding spaces", edit: func(in *services.SubmitInput) { in.Title = "  " + vi(lim.MaxTitleChars) + "  " }},
		{name: "title with NUL", edit: func(in *services.SubmitInput) { in.Title = "Đòi\x00tiền" },
			want: map[string]string{"title": "invalid"}},
		{name: "title with ESC", edit: func(in *services.SubmitInput) { in.Title = "Đòi \x1b[31mtiền" },
			want: map[string]string{"title": "invalid"}},
		{name: "title with DEL", edit: func(in *services.SubmitInput) { in.Title = "Đòi\x7ftiền" },
			want: map[string]string{"title": "invalid"}},
		{name: "title with C1 control", edit: func(in *services.SubmitInput) { in.Title = "Đòi\u0085tiền" },
			want: map[string]string{"title": "invalid"}},
		{name: "title too long wins over control", edit: func(in *services.SubmitInput) { in.Title = vi(lim.MaxTitleChars) + "\x00" },
			want: map[string]string{"title": "too_long"}},

		{name: "title with invalid UTF-8", edit: func(in *services.SubmitInput) { in.Title = "Đòi tiền \xff" },
			want: map[string]string{"title": "invalid"}},
		{name: "title with a right-to-left override", edit: func(in *services.SubmitInput) { in.Title = "Đòi \u202etiền" },
			want: map[string]string{"title": "invalid"}},
		{name: "description with a bidi isolate", edit: func(in *services.SubmitInput) { in.Description = "a \u2067b\u2069 c" },
			want: map[string]string{"description": "invalid"}},
		{name: "phone without digits", edit: named(services.KindComplaint, &services.IdentityInput{Name: "Bình", Phone: "(((((((("}),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "phone with too few digits", edit: named(services.KindComplaint, &services.IdentityInput{Name: "Bình", Phone: "09-12-34-5"}),
			want: map[string]string{"identity.phone": "invalid"}},

		// description
		{name: "description missing", edit: func(in *services.SubmitInput) { in.Description = "" },
			want: map[string]string{"description": "required"}},
		{name: "description blank", edit: func(in *services.SubmitInput) { in.Description = "\r\n " },
			want: map[string]string{"description": "required"}},
		{name: "description at the limit in Vietnamese", edit: func(in *services.SubmitInput) { in.Description = vi(lim.MaxDescriptionChars) }},
		{name: "description over the limit", edit: func(in *services.SubmitInput) { in.Description = vi(lim.MaxDescriptionChars + 1) },
			want: map[string]string{"description": "too_long"}},
		{name: "description keeps newlines and tabs", edit: func(in *services.SubmitInput) { in.Description = "Dòng 1\r\nDòng 2\n\tThụt lề" }},
		{name: "description with form feed inside", edit: func(in *services.SubmitInput) { in.Description = "Trang 1\fTrang 2" },
			want: map[string]string{"description": "invalid"}},
		{name: "description with bell", edit: func(in *services.SubmitInput) { in.Description = "Chuông\a" },
			want: map[string]string{"description": "invalid"}},

		// place / areaCode
		{name: "place and area missing", edit: func(in *services.SubmitInput) { in.Place, in.AreaCode = "", "" },
			want: map[string]string{"place": "required"}},
		{name: "place and area blank", edit: func(in *services.SubmitInput) { in.Place, in.AreaCode = " ", "\t" },
			want: map[string]string{"place": "required"}},

		// other fields, at and over MaxFieldChars (500)
		{name: "all optional fields at the limit", edit: func(in *services.SubmitInput) {
			in.AreaCode, in.Place, in.Office, in.Counter = vi(500), vi(500), vi(500), vi(500)
			in.Procedure, in.DossierNumber, in.Officials = vi(500), vi(500), vi(500)
		}},
		{name: "areaCode too long", edit: func(in *services.SubmitInput) { in.AreaCode = vi(501) },
			want: map[string]string{"areaCode": "too_long"}},
		{name: "place too long", edit: func(in *services.SubmitInput) { in.Place = vi(501) },
			want: map[string]string{"place": "too_long"}},
		{name: "office too long", edit: func(in *services.SubmitInput) { in.Office = vi(501) },
			want: map[string]string{"office": "too_long"}},
		{name: "counter too long", edit: func(in *services.SubmitInput) { in.Counter = vi(501) },
			want: map[string]string{"counter": "too_long"}},
		{name: "procedure too long", edit: func(in *services.SubmitInput) { in.Procedure = vi(501) },
			want: map[string]string{"procedure": "too_long"}},
		{name: "dossierNumber too long", edit: func(in *services.SubmitInput) { in.DossierNumber = vi(501) },
			want: map[string]string{"dossierNumber": "too_long"}},
		{name: "officials too long", edit: func(in *services.SubmitInput) { in.Officials = vi(501) },
			want: map[string]string{"officials": "too_long"}},
		{name: "all optional fields too long", edit: func(in *services.SubmitInput) {
			in.AreaCode, in.Place, in.Office, in.Counter = vi(501), vi(501), vi(501), vi(501)
			in.Procedure, in.DossierNumber, in.Officials = vi(501), vi(501), vi(501)
		}, want: map[string]string{"areaCode": "too_long", "place": "too_long", "office": "too_long", "counter": "too_long",
			"procedure": "too_long", "dossierNumber": "too_long", "officials": "too_long"}},
		{name: "office with control", edit: func(in *services.SubmitInput) { in.Office = "Phòng\x00TN-MT" },
			want: map[string]string{"office": "invalid"}},
		{name: "officials with control", edit: func(in *services.SubmitInput) { in.Officials = "Ông A\x08" },
			want: map[string]string{"officials": "invalid"}},

		// language
		{name: "language defaults to vi", edit: func(in *services.SubmitInput) { in.Language = "" }},
		{name: "language en", edit: func(in *services.SubmitInput) { in.Language = "en" }},
		{name: "language trimmed", edit: func(in *services.SubmitInput) { in.Language = " vi " }},
		{name: "language other", edit: func(in *services.SubmitInput) { in.Language = "fr" },
			want: map[string]string{"language": "invalid"}},
		{name: "language upper case", edit: func(in *services.SubmitInput) { in.Language = "VI" },
			want: map[string]string{"language": "invalid"}},
		{name: "language with region", edit: func(in *services.SubmitInput) { in.Language = "vi-VN" },
			want: map[string]string{"language": "invalid"}},

		// incidentDate
		{name: "incidentDate valid", edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-20" }},
		{name: "incidentDate trimmed", edit: func(in *services.SubmitInput) { in.IncidentDate = " 2026-11-20 " }},
		{name: "incidentDate 1945-01-01 is the earliest", edit: func(in *services.SubmitInput) { in.IncidentDate = "1945-01-01" }},
		{name: "incidentDate month 13", edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-13-01" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate day/month/year", edit: func(in *services.SubmitInput) { in.IncidentDate = "27/11/2026" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate before 1945", edit: func(in *services.SubmitInput) { in.IncidentDate = "1900-01-01" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate 1944-12-31", edit: func(in *services.SubmitInput) { in.IncidentDate = "1944-12-31" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate 30 February", edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-02-30" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate unpadded", edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-1-5" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate compact", edit: func(in *services.SubmitInput) { in.IncidentDate = "20261120" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate with time", edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-20T10:00:00Z" },
			want: map[string]string{"incidentDate": "invalid"}},
		{name: "incidentDate non-ASCII digits", edit: func(in *services.SubmitInput) { in.IncidentDate = "２０２６-11-20" },
			want: map[string]string{"incidentDate": "invalid"}},
		// 18:00Z on 27 November is 01:00 on 28 November in Vietnam.
		{name: "incidentDate today in Vietnam, tomorrow in UTC", now: time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-28" }},
		{name: "incidentDate tomorrow in Vietnam", now: time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-29" },
			want: map[string]string{"incidentDate": "future"}},
		// 16:00Z on 27 November is 23:00 on 27 November in Vietnam.
		{name: "incidentDate future one hour before Vietnam midnight", now: time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-28" },
			want: map[string]string{"incidentDate": "future"}},
		{name: "incidentDate today at 23:00 Vietnam", now: time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-27" }},
		{name: "incidentDate at Vietnam midnight exactly", now: time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-28" }},
		{name: "incidentDate one nanosecond before Vietnam midnight", now: time.Date(2026, 11, 27, 16, 59, 59, 999999999, time.UTC),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-28" },
			want: map[string]string{"incidentDate": "future"}},
		{name: "incidentDate now given in another zone", now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("PST", -8*3600)),
			edit: func(in *services.SubmitInput) { in.IncidentDate = "2026-11-28" }},

		// anonymity and identity
		{name: "anonymous with identity", edit: func(in *services.SubmitInput) { in.Identity = validIdentity() },
			want: map[string]string{"identity": "not_allowed"}},
		{name: "anonymous with all-blank identity is plain anonymous", edit: func(in *services.SubmitInput) {
			in.Identity = &services.IdentityInput{Name: " ", Phone: "\t", Email: "", Address: "\n", NationalID: "  "}
		}},
		{name: "anonymous complaint", edit: func(in *services.SubmitInput) { in.Kind = services.KindComplaint },
			want: map[string]string{"anonymous": "not_allowed"}},
		{name: "anonymous complaint with identity", edit: func(in *services.SubmitInput) {
			in.Kind, in.Identity = services.KindComplaint, validIdentity()
		}, want: map[string]string{"identity": "not_allowed"}},
		{name: "named complaint without identity", edit: named(services.KindComplaint, nil),
			want: map[string]string{"identity.name": "required"}},
		{name: "named complaint with blank identity", edit: named(services.KindComplaint, &services.IdentityInput{Name: "  "}),
			want: map[string]string{"identity.name": "required"}},
		{name: "named denunciation without identity", edit: named(services.KindDenunciation, nil),
			want: map[string]string{"identity.name": "required"}},

		{name: "identity name missing", edit: withIdentity(func(id *services.IdentityInput) { id.Name = "" }),
			want: map[string]string{"identity.name": "required"}},
		{name: "identity name at the limit", edit: withIdentity(func(id *services.IdentityInput) { id.Name = vi(500) })},
		{name: "identity name too long", edit: withIdentity(func(id *services.IdentityInput) { id.Name = vi(501) }),
			want: map[string]string{"identity.name": "too_long"}},
		{name: "identity name with control", edit: withIdentity(func(id *services.IdentityInput) { id.Name = "Ngọc\x00" }),
			want: map[string]string{"identity.name": "invalid"}},
		{name: "identity address too long", edit: withIdentity(func(id *services.IdentityInput) { id.Address = vi(501) }),
			want: map[string]string{"identity.address": "too_long"}},
		{name: "identity address with control", edit: withIdentity(func(id *services.IdentityInput) { id.Address = "12\x1bLê Lợi" }),
			want: map[string]string{"identity.address": "invalid"}},
		{name: "identity without any contact", edit: withIdentity(func(id *services.IdentityInput) {
			id.Phone, id.Email, id.Address = "", "", ""
		}), want: map[string]string{"identity.phone": "required"}},
		{name: "identity with name and national id only", edit: withIdentity(func(id *services.IdentityInput) {
			id.Phone, id.Email, id.Address = "", " ", ""
		}), want: map[string]string{"identity.phone": "required"}},
		{name: "identity phone only", edit: withIdentity(func(id *services.IdentityInput) { id.Email, id.Address, id.NationalID = "", "", "" })},
		{name: "identity email only", edit: withIdentity(func(id *services.IdentityInput) { id.Phone, id.Address, id.NationalID = "", "", "" })},
		{name: "identity address only", edit: withIdentity(func(id *services.IdentityInput) { id.Phone, id.Email, id.NationalID = "", "", "" })},
		{name: "identity phone plain", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "0912345678" })},
		{name: "identity phone landline", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "(028) 3829.1234" })},
		{name: "identity phone letters", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "091234567a" }),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "identity phone too short", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "0912345" }),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "identity phone too long", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "+84 912 345 678 901 23" }),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "identity phone plus inside", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "0912+345678" }),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "identity bad phone is reported even with an email", edit: withIdentity(func(id *services.IdentityInput) { id.Phone = "gọi tôi" }),
			want: map[string]string{"identity.phone": "invalid"}},
		{name: "identity email with display name", edit: withIdentity(func(id *services.IdentityInput) { id.Email = "Ngoc <a@b>" }),
			want: map[string]string{"identity.email": "invalid"}},
		{name: "identity email in angle brackets", edit: withIdentity(func(id *services.IdentityInput) { id.Email = "<ngoc@example.vn>" }),
			want: map[string]string{"identity.email": "invalid"}},
		{name: "identity email not an email", edit: withIdentity(func(id *services.IdentityInput) { id.Email = "not-an-email" }),
			want: map[string]string{"identity.email": "invalid"}},
		{name: "identity email two addresses", edit: withIdentity(func(id *services.IdentityInput) { id.Email = "a@example.vn, b@example.vn" }),
			want: map[string]string{"identity.email": "invalid"}},
		{name: "identity email over 254 bytes", edit: withIdentity(func(id *services.IdentityInput) {
			id.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".vn"
		}), want: map[string]string{"identity.email": "invalid"}},
		{name: "identity national id 9 digits", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "023456789" })},
		{name: "identity national id 12 digits", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "079203004005" })},
		{name: "identity national id 10 digits", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "0792030040" }),
			want: map[string]string{"identity.nationalId": "invalid"}},
		{name: "identity national id 8 digits", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "02345678" }),
			want: map[string]string{"identity.nationalId": "invalid"}},
		{name: "identity national id 13 digits", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "0792030040051" }),
			want: map[string]string{"identity.nationalId": "invalid"}},
		{name: "identity national id with spaces", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "079 203 004 005" }),
			want: map[string]string{"identity.nationalId": "invalid"}},
		{name: "identity national id with letter", edit: withIdentity(func(id *services.IdentityInput) { id.NationalID = "B12345678" }),
			want: map[string]string{"identity.nationalId": "invalid"}},
		{name: "identity every field wrong", edit: withIdentity(func(id *services.IdentityInput) {
			*id = services.IdentityInput{Name: "", Phone: "x", Email: "y", Address: vi(501), NationalID: "z"}
		}), want: map[string]string{"identity.name": "required", "identity.address": "too_long", "identity.phone": "invalid",
			"identity.email": "invalid", "identity.nationalId": "invalid"}},

		// everything at once
		{name: "empty input", edit: func(in *services.SubmitInput) { *in = services.SubmitInput{} },
			want: map[string]string{"kind": "required", "category": "required", "title": "required", "description": "required",
				"place": "required"}},
		{name: "many problems", edit: func(in *services.SubmitInput) {
			*in = services.SubmitInput{Kind: "x", Title: vi(201), Description: "a\x00", Language: "de", IncidentDate: "2026-11-30",
				Officials: vi(501), Anonymous: true, Identity: validIdentity()}
		}, want: map[string]string{"kind": "invalid", "category": "required", "title": "too_long", "description": "invalid",
			"place": "required", "language": "invalid", "incidentDate": "future", "officials": "too_long", "identity": "not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validFeedback()
			tt.edit(&in)
			now := tt.now
			if now.IsZero() {
				now = validNow
			}
			in.Normalize()
			assertFields(t, in.Validate(lim, now), tt.want)
		})
	}
}

func TestValidateUsesConfiguredLimits(t *testing.T) {
	lim := services.Limits{MaxTitleChars: 5, MaxDescriptionChars: 10, MaxFieldChars: 3}
	in := validFeedback()
	in.Title, in.Description, in.AreaCode, in.Place, in.Office = "Đường", "Mười chữ à", "797", "Ấp", "Sở"
	in.Normalize()
	assertFields(t, in.Validate(lim, validNow), nil)

	in.Title, in.Description, in.Place, in.Office = "Đường!", "Mười chữ à!", "Ấp 1", "Sở A"
	assertFields(t, in.Validate(lim, validNow), map[string]string{
		"title": "too_long", "description": "too_long", "place": "too_long", "office": "too_long",
	})
}

func TestNormalize(t *testing.T) {
	in := services.SubmitInput{
		Kind: " complaint\n", Category: " bribe ", Title: "\t Tiêu đề \n", Description: "\n  Dòng 1\n  Dòng 2  \n",
		IncidentDate: " 2026-11-20 ", AreaCode: " 26743 ", Place: " Bến Thành ", Office: " Một cửa ", Counter: " 3 ",
		Procedure: " Cấp đổi GPLX ", DossierNumber: " 000.00.26.H29-261120-0001 ", Officials: " Ông A ", Language: " en ",
		Identity: &services.IdentityInput{Name: " Ngọc ", Phone: " 0912345678 ", Email: " n@example.vn ", Address: " 12 Lê Lợi ",
			NationalID: " 079203004005 "},
	}
	in.Normalize()
	want := services.SubmitInput{
		Kind: "complaint", Category: "bribe", Title: "Tiêu đề", Description: "Dòng 1\n  Dòng 2",
		IncidentDate: "2026-11-20", AreaCode: "26743", Place: "Bến Thành", Office: "Một cửa", Counter: "3",
		Procedure: "Cấp đổi GPLX", DossierNumber: "000.00.26.H29-261120-0001", Officials: "Ông A", Language: "en",
		Identity: &services.IdentityInput{Name: "Ngọc", Phone: "0912345678", Email: "n@example.vn", Address: "12 Lê Lợi",
			NationalID: "079203004005"},
	}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("Normalize gave\n%+v (identity %+v)\nwant\n%+v (identity %+v)", in, *in.Identity, want, *want.Identity)
	}

	// Idempotent.
	again := in
	idCopy := *in.Identity
	again.Identity = &idCopy
	again.Normalize()
	if !reflect.DeepEqual(again, want) {
		t.Fatalf("second Normalize changed the input: %+v", again)
	}

	// Language defaults to vi only when empty.
	var blank services.SubmitInput
	blank.Normalize()
	if blank.Language != "vi" {
		t.Errorf("default language = %q, want vi", blank.Language)
	}
	if blank.Identity != nil {
		t.Errorf("nil identity became %+v", blank.Identity)
	}
}

func TestNormalizeDropsBlankIdentity(t *testing.T) {
	for name, id := range map[string]*services.IdentityInput{
		"zero":       {},
		"whitespace": {Name: " ", Phone: "\t", Email: "\n", Address: "  ", NationalID: "\r\n"},
	} {
		t.Run(name, func(t *testing.T) {
			in := validFeedback()
			in.Identity = id
			in.Normalize()
			if in.Identity != nil {
				t.Fatalf("blank identity kept: %+v", *in.Identity)
			}
		})
	}
	// One non-blank field keeps the block, so that Validate can report it.
	for _, id := range []*services.IdentityInput{
		{Name: "Ngọc"}, {Phone: "0912345678"}, {Email: "n@example.vn"}, {Address: "12 Lê Lợi"}, {NationalID: "079203004005"},
	} {
		in := validFeedback()
		in.Identity = id
		in.Normalize()
		if in.Identity == nil {
			t.Fatalf("identity %+v dropped", *id)
		}
	}
}

// --- Intake.Submit ---

// testIntake is an intake on a memStore with its hasher and sealer at hand.
type testIntake struct {
	*services.Intake
	Hasher *passhash.Hasher
	Sealer *seal.Sealer
}

func newIntake(t *testing.T, st *memStore, now time.Time) *testIntake {
	t.Helper()
	return newIntakeWith(t, st, now, passhash.New(testParams, 2))
}

func newIntakeWith(t *testing.T, st *memStore, now time.Time, hasher *passhash.Hasher) *testIntake {
	t.Helper()
	sealer := newTestSealer(t)
	clock := func() time.Time { return now }
	return &testIntake{Hasher: hasher, Sealer: sealer, Intake: services.NewIntake(services.IntakeOptions{
		Cases: st, Vault: services.NewIdentityVault(st, sealer, clock), Catalog: st,
		Hasher: hasher, Sealer: sealer, Limits: services.DefaultLimits, Now: clock,
	})}
}

func mustFind(t *testing.T, st *memStore, id string) services.Case {
	t.Helper()
	c, err := st.FindCaseByID(context.Background(), id)
	if err != nil {
		t.Fatalf("case %s not stored: %v", id, err)
	}
	return c
}

func TestSubmitAnonymousFeedback(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	// 20:00 UTC on New Year's Eve is 03:00 on 1 January in Vietnam.
	now := time.Date(2026, 12, 31, 20, 0, 0, 123456789, time.UTC)
	intake := newIntake(t, st, now)
	in := validFeedback()
	in.Title = "  " + in.Title + "  "
	in.IncidentDate = "2027-01-01"
	in.Office, in.Counter, in.Procedure, in.DossierNumber, in.Officials = "Bộ phận một cửa", "Quầy 3", "Cấp đổi giấy phép lái xe",
		"000.00.26.H29-261120-0001", "Ông A, quầy 3"

	res, err := intake.Submit(ctx, services.SubmitRequest{Input: in})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	c := mustFind(t, st, res.ID)

	wantAt := time.Date(2026, 12, 31, 20, 0, 0, 123000000, time.UTC)
	checks := []struct {
		name      string
		got, want any
	}{
		{"status", c.Status, services.StatusReceived},
		{"version", c.Version, int64(1)},
		{"kind", c.Kind, services.KindFeedback},
		{"result kind", res.Kind, services.KindFeedback},
		{"anonymous", c.Anonymous, true},
		{"hasIdentity", c.HasIdentity, false},
		{"anonymousDenunciation", c.AnonymousDenunciation, false},
		{"category", c.Category, "bribe"},
		{"title (trimmed)", c.Title, strings.TrimSpace(in.Title)},
		{"description", c.Description, in.Description},
		{"incidentDate", c.IncidentDate, "2027-01-01"},
		{"areaCode", c.AreaCode, "26743"},
		{"place", c.Place, in.Place},
		{"office", c.Office, in.Office},
		{"counter", c.Counter, in.Counter},
		{"procedure", c.Procedure, in.Procedure},
		{"dossierNumber", c.DossierNumber, in.DossierNumber},
		{"officials", c.Officials, in.Officials},
		{"language", c.Language, "vi"},
		{"createdDay (Vietnam)", c.CreatedDay, "2027-01-01"},
		{"createdMonth (Vietnam)", c.CreatedMonth, "2027-01"},
		{"createdAt (UTC, ms)", c.CreatedAt, wantAt},
		{"updatedAt", c.UpdatedAt, wantAt},
		{"submittedAt", res.SubmittedAt, wantAt},
		{"trackingCode", c.TrackingCode, res.TrackingCode},
		{"contentHash", c.ContentHash, services.ContentHash(&c)},
		{"result contentHash", res.ContentHash, c.ContentHash},
		{"timeline", c.Timeline, []services.Event{{Type: services.EventSubmitted, At: wantAt, Actor: "citizen",
			Status: services.StatusReceived, Public: true}}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(c.ContentHash) {
		t.Errorf("contentHash %q is not hex SHA-256", c.ContentHash)
	}
	if !trackingCodePattern.MatchString(res.TrackingCode) {
		t.Errorf("tracking code %q malformed", res.TrackingCode)
	}
	if byCode, err := st.FindCaseByTrackingCode(ctx, res.TrackingCode); err != nil || byCode.ID != res.ID {
		t.Errorf("FindCaseByTrackingCode = %v, %v", byCode.ID, err)
	}

	if !receiptPattern.MatchString(res.Receipt) {
		t.Fatalf("receipt %q does not match %s", res.Receipt, receiptPattern)
	}
	if c.ReceiptHash == res.Receipt || strings.Contains(c.ReceiptHash, res.Receipt) ||
		strings.Contains(c.ReceiptHash, strings.ReplaceAll(res.Receipt, "-", "")) {
		t.Fatalf("receipt stored in the clear: hash %q, receipt %q", c.ReceiptHash, res.Receipt)
	}
	if ok, err := intake.Hasher.Verify(ctx, res.Receipt, c.ReceiptHash); !ok || err != nil {
		t.Fatalf("Verify(receipt, ReceiptHash) = %v, %v; want true", ok, err)
	}
	wrong := []byte(res.Receipt)
	wrong[len(wrong)-1] = '0' + (wrong[len(wrong)-1]-'0'+1)%10
	if ok, err := intake.Hasher.Verify(ctx, string(wrong), c.ReceiptHash); ok || err != nil {
		t.Fatalf("Verify(wrong receipt %s) = %v, %v; want false, nil", wrong, ok, err)
	}
	if cases, ids := st.counts(); cases != 1 || ids != 0 {
		t.Fatalf("stored %d cases and %d identities, want 1 and 0", cases, ids)
	}
}

func TestSubmitCreatedDayIsVietnamDay(t *testing.T) {
	for _, tt := range []struct {
		now        time.Time
		day, month string
	}{
		{time.Date(2026, 11, 27, 16, 59, 59, 0, time.UTC), "2026-11-27", "2026-11"},
		{time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC), "2026-11-28", "2026-11"},
		{time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), "2026-12-01", "2026-12"},
		{time.Date(2026, 12, 1, 3, 0, 0, 0, time.FixedZone("ICT", 7*3600)), "2026-12-01", "2026-12"},
	} {
		st := newMemStore()
		res, err := newIntake(t, st, tt.now).Submit(context.Background(), services.SubmitRequest{Input: validFeedback()})
		if err != nil {
			t.Fatalf("Submit at %v: %v", tt.now, err)
		}
		c := mustFind(t, st, res.ID)
		if c.CreatedDay != tt.day || c.CreatedMonth != tt.month {
			t.Errorf("at %v: day %q month %q, want %q %q", tt.now, c.CreatedDay, c.CreatedMonth, tt.day, tt.month)
		}
		if c.CreatedAt.Location() != time.UTC {
			t.Errorf("at %v: CreatedAt in %v, want UTC", tt.now, c.CreatedAt.Location())
		}
	}
}

func TestSubmitCatalogChecks(t *testing.T) {
	tests := []struct {
		name string
		edit func(*services.SubmitInput)
		want map[string]string
	}{
		{"unknown category", func(in *services.SubmitInput) { in.Category = "parking" },
			map[string]string{"category": "unknown"}},
		{"inactive category", func(in *services.SubmitInput) { in.Category = "retired" },
			map[string]string{"category": "unknown"}},
		{"unknown area", func(in *services.SubmitInput) { in.AreaCode = "99999" },
			map[string]string{"areaCode": "unknown"}},
		{"both unknown", func(in *services.SubmitInput) { in.Category, in.AreaCode = "parking", "99999" },
			map[string]string{"category": "unknown", "areaCode": "unknown"}},
		{"named report with unknown category", func(in *services.SubmitInput) {
			named(services.KindComplaint, validIdentity())(in)
			in.Category = "parking"
		}, map[string]string{"category": "unknown"}},
		{"no area code is not looked up", func(in *services.SubmitInput) { in.AreaCode = "" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newMemStore()
			in := validFeedback()
			tt.edit(&in)
			_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
			assertFields(t, err, tt.want)
			wantCases := 0
			if tt.want == nil {
				wantCases = 1
			}
			if cases, ids := st.counts(); cases != wantCases || ids != 0 {
				t.Fatalf("stored %d cases and %d identities, want %d and 0", cases, ids, wantCases)
			}
		})
	}
}

func TestSubmitCatalogOutage(t *testing.T) {
	st := newMemStore()
	st.failCatalog = services.Wrap(errors.New("server selection timeout"), services.ReasonUnavailable, "busy")
	_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: validFeedback()})
	if !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("err = %v, want unavailable (a catalog outage is not the citizen's mistake)", err)
	}
	if cases, _ := st.counts(); cases != 0 || len(st.codesTried) != 0 {
		t.Fatalf("a case was written during an outage")
	}
}

func TestSubmitInvalidStoresNothing(t *testing.T) {
	st := newMemStore()
	in := validFeedback()
	in.Kind = services.KindComplaint // anonymous complaint
	_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
	assertFields(t, err, map[string]string{"anonymous": "not_allowed"})
	if cases, ids := st.counts(); cases != 0 || ids != 0 || len(st.codesTried) != 0 {
		t.Fatalf("invalid report wrote %d cases, %d identities, %d insert attempts", cases, ids, len(st.codesTried))
	}
}

func TestSubmitFutureIncidentUsesIntakeClock(t *testing.T) {
	in := validFeedback()
	in.IncidentDate = "2026-11-28"
	_, err := newIntake(t, newMemStore(), time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)).Submit(context.Background(), services.SubmitRequest{Input: in})
	assertFields(t, err, map[string]string{"incidentDate": "future"})
	if _, err := newIntake(t, newMemStore(), time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)).Submit(context.Background(), services.SubmitRequest{Input: in}); err != nil {
		t.Fatalf("Submit at 01:00 Vietnam time on the incident day: %v", err)
	}
}

func TestSubmitAnonymousDenunciationIsFeedback(t *testing.T) {
	st := newMemStore()
	in := validFeedback()
	in.Kind = services.KindDenunciation
	res, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if res.Kind != services.KindFeedback || !res.AnonymousDenunciation {
		t.Errorf("result kind %q anonymousDenunciation %v, want feedback true", res.Kind, res.AnonymousDenunciation)
	}
	c := mustFind(t, st, res.ID)
	if c.Kind != services.KindFeedback || !c.AnonymousDenunciation || !c.Anonymous || c.HasIdentity {
		t.Errorf("stored kind %q anonymousDenunciation %v anonymous %v hasIdentity %v; want feedback true true false",
			c.Kind, c.AnonymousDenunciation, c.Anonymous, c.HasIdentity)
	}
	if c.ContentHash != services.ContentHash(&c) {
		t.Error("content hash does not match the stored case")
	}
	// The flag is part of the hashed content.
	plain := c
	plain.AnonymousDenunciation = false
	if services.ContentHash(&plain) == c.ContentHash {
		t.Error("content hash ignores AnonymousDenunciation")
	}
}

func TestSubmitNamedSealsIdentity(t *testing.T) {
	for _, kind := range services.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			st := newMemStore()
			intake := newIntake(t, st, validNow)
			in := validFeedback()
			id := validIdentity()
			want := *id
			// Submit trims what it seals.
			id.Name, id.Email = "  "+id.Name+" ", "\t"+id.Email
			named(kind, id)(&in)

			res, err := intake.Submit(ctx, services.SubmitRequest{Input: in})
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			if res.Kind != kind || res.AnonymousDenunciation {
				t.Errorf("result kind %q anonymousDenunciation %v, want %q false", res.Kind, res.AnonymousDenunciation, kind)
			}
			c := mustFind(t, st, res.ID)
			if !c.HasIdentity || c.Anonymous || c.Kind != kind || c.AnonymousDenunciation {
				t.Errorf("stored hasIdentity %v anonymous %v kind %q anonDenunciation %v", c.HasIdentity, c.Anonymous, c.Kind, c.AnonymousDenunciation)
			}

			sealed, err := st.FindIdentity(ctx, res.ID)
			if err != nil {
				t.Fatalf("no sealed identity for %s: %v", res.ID, err)
			}
			if sealed.CaseID != res.ID || sealed.KeyID != intake.Sealer.KeyID() || !sealed.CreatedAt.Equal(validNow) {
				t.Errorf("sealed identity record = {%q %q %v}", sealed.CaseID, sealed.KeyID, sealed.CreatedAt)
			}
			plain, err := intake.Sealer.Open(sealed.Sealed, []byte(res.ID))
			if err != nil {
				t.Fatalf("Open with the case id as AAD: %v", err)
			}
			var got services.IdentityInput
			if err := json.Unmarshal(plain, &got); err != nil {
				t.Fatalf("sealed identity is not JSON: %v", err)
			}
			if got != want {
				t.Errorf("opened identity = %+v, want %+v", got, want)
			}
			if _, err := intake.Sealer.Open(sealed.Sealed, []byte("case-9999")); err == nil {
				t.Error("sealed identity opens under another case id")
			}

			// No identity text anywhere in the stored case or the result.
			for what, v := range map[string]any{"stored case": c, "result": res} {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range []string{want.Name, want.Phone, want.Email, want.Address, want.NationalID, "Ngọc", "912 345"} {
					if strings.Contains(string(b), secret) {
						t.Errorf("%s contains identity text %q: %s", what, secret, b)
					}
				}
			}
			if strings.Contains(string(sealed.Sealed), want.Name) {
				t.Error("sealed identity contains the name in the clear")
			}
		})
	}
}

func TestSubmitRetriesTrackingCodeCollision(t *testing.T) {
	for _, conflicts := range []int{1, 3, 7} {
		t.Run(fmt.Sprint(conflicts), func(t *testing.T) {
			st := newMemStore()
			st.conflicts = conflicts
			res, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: validFeedback()})
			if err != nil {
				t.Fatalf("Submit after %d collisions: %v", conflicts, err)
			}
			if len(st.codesTried) != conflicts+1 {
				t.Fatalf("InsertCase called %d times, want %d", len(st.codesTried), conflicts+1)
			}
			if last := st.codesTried[conflicts]; res.TrackingCode != last {
				t.Errorf("result code %q, want the one finally stored %q", res.TrackingCode, last)
			}
			for _, old := range st.codesTried[:conflicts] {
				if old == res.TrackingCode {
					t.Errorf("retry reused the colliding code %q", old)
				}
			}
			if c := mustFind(t, st, res.ID); c.TrackingCode != res.TrackingCode {
				t.Errorf("stored code %q, result %q", c.TrackingCode, res.TrackingCode)
			}
			if cases, _ := st.counts(); cases != 1 {
				t.Fatalf("stored %d cases, want 1", cases)
			}
		})
	}
}

func TestSubmitGivesUpAfterEightCollisions(t *testing.T) {
	for _, anonymous := range []bool{true, false} {
		t.Run(fmt.Sprintf("anonymous=%v", anonymous), func(t *testing.T) {
			st := newMemStore()
			st.conflicts = 100
			in := validFeedback()
			if !anonymous {
				named(services.KindComplaint, validIdentity())(&in)
			}
			_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
			if !services.IsCode(err, services.CodeInternal) {
				t.Fatalf("err = %v (code %q), want internal", err, services.ErrorCode(err))
			}
			if !errors.As(err, new(*services.Error)) {
				t.Fatalf("err %T is not a *services.Error", err)
			}
			if len(st.codesTried) != 8 {
				t.Errorf("InsertCase called %d times, want 8", len(st.codesTried))
			}
			if cases, ids := st.counts(); cases != 0 || ids != 0 {
				t.Fatalf("left %d cases and %d identities behind", cases, ids)
			}
		})
	}
}

// settledCounts waits (at most a minute) for a filing whose insert had an
// unknown outcome to be settled in the background, then counts.
func settledCounts(t *testing.T, st *memStore) (cases, ids int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		cases, ids = st.counts()
		if ids == 0 || time.Now().After(deadline) {
			return cases, ids
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSubmitInsertFailureRemovesIdentity(t *testing.T) {
	t.Run("store error", func(t *testing.T) {
		st := newMemStore()
		st.failInsertCase = func(context.Context) error {
			return services.Wrap(errors.New("write concern timeout"), services.ReasonUnavailable, "busy")
		}
		in := validFeedback()
		named(services.KindDenunciation, validIdentity())(&in)
		_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
		if !services.IsCode(err, services.CodeUnavailable) {
			t.Fatalf("err = %v, want the store's unavailable", err)
		}
		// The database answered "unavailable": the insert may have been
		// applied, so the identity is removed once the report is found
		// missing (docs/storage.md, "Faults").
		if cases, ids := settledCounts(t, st); cases != 0 || ids != 0 {
			t.Fatalf("left %d cases and %d identities behind", cases, ids)
		}
		if st.deletes != 1 {
			t.Fatalf("DeleteIdentity called %d times, want 1", st.deletes)
		}
	})

	t.Run("request cancelled during insert", func(t *testing.T) {
		st := newMemStore()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		st.failInsertCase = func(ctx context.Context) error {
			cancel() // the client went away mid-request
			return services.Wrap(ctx.Err(), services.ReasonUnavailable, "busy")
		}
		in := validFeedback()
		named(services.KindComplaint, validIdentity())(&in)
		_, err := newIntake(t, st, validNow).Submit(ctx, services.SubmitRequest{Input: in})
		if !services.IsCode(err, services.CodeUnavailable) {
			t.Fatalf("err = %v, want unavailable", err)
		}
		if _, ids := settledCounts(t, st); ids != 0 {
			t.Fatal("sealed identity left behind after a cancelled request")
		}
	})

	t.Run("anonymous report deletes nothing", func(t *testing.T) {
		st := newMemStore()
		st.failInsertCase = func(context.Context) error { return errors.New("boom") }
		_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: validFeedback()})
		if err == nil || services.ErrorCode(err) != services.CodeInternal {
			t.Fatalf("err = %v, want an internal error", err)
		}
		if st.deletes != 0 {
			t.Fatalf("DeleteIdentity called %d times for an anonymous report", st.deletes)
		}
	})
}

func TestSubmitIdentityInsertFailure(t *testing.T) {
	st := newMemStore()
	st.failInsertIdentity = services.Errorf(services.ReasonUnavailable, "busy")
	in := validFeedback()
	named(services.KindComplaint, validIdentity())(&in)
	_, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
	if !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("err = %v, want unavailable", err)
	}
	if len(st.codesTried) != 0 {
		t.Fatalf("the case was inserted (%d attempts) although its identity could not be stored", len(st.codesTried))
	}
	if cases, _ := st.counts(); cases != 0 {
		t.Fatalf("stored %d cases", cases)
	}
}

// TestSubmitHasherGivesUp: a receipt hasher that gives up waiting for a
// slot (internal/passhash tests the waiting) makes the submission
// unavailable and leaves nothing behind.
func TestSubmitHasherGivesUp(t *testing.T) {
	st := newMemStore()
	intake := newIntakeWith(t, st, validNow, passhash.New(testParams, 1))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := validFeedback()
	named(services.KindComplaint, validIdentity())(&in)
	_, err := intake.Submit(ctx, services.SubmitRequest{Input: in})
	if !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("err = %v (code %q), want unavailable", err, services.ErrorCode(err))
	}
	if cases, ids := st.counts(); cases != 0 || ids != 0 {
		t.Fatalf("left %d cases and %d identities behind", cases, ids)
	}

	if _, err := intake.Submit(context.Background(), services.SubmitRequest{Input: in}); err != nil {
		t.Fatalf("Submit with a live context: %v", err)
	}
}

func TestContentHash(t *testing.T) {
	base := services.Case{
		Kind: services.KindFeedback, Category: "bribe", Title: "Tiêu đề", Description: "Mô tả", Language: "vi",
		Place: "Bến Thành", Anonymous: true, CreatedAt: validNow,
	}
	h := services.ContentHash(&base)
	if h != services.ContentHash(&base) {
		t.Fatal("ContentHash is not deterministic")
	}
	// Content and submission time change the hash.
	for name, edit := range map[string]func(*services.Case){
		"title":       func(c *services.Case) { c.Title = "Tiêu đề!" },
		"description": func(c *services.Case) { c.Description = "Mô tả." },
		"kind":        func(c *services.Case) { c.Kind = services.KindComplaint },
		"category":    func(c *services.Case) { c.Category = "delay" },
		"officials":   func(c *services.Case) { c.Officials = "Ông A" },
		"anonymous":   func(c *services.Case) { c.Anonymous = false },
		"createdAt":   func(c *services.Case) { c.CreatedAt = c.CreatedAt.Add(time.Millisecond) },
	} {
		c := base
		edit(&c)
		if services.ContentHash(&c) == h {
			t.Errorf("changing %s does not change the content hash", name)
		}
	}
	// Workflow state does not: the hash is the proof of what was filed.
	c := base
	c.Status, c.Version, c.TrackingCode, c.ReceiptHash, c.UpdatedAt = services.StatusAccepted, 7, "MB-7K3M-9QX2", "x", validNow.Add(time.Hour)
	c.CreatedAt = validNow.In(services.VietnamTime)
	if services.ContentHash(&c) != h {
		t.Error("the content hash depends on workflow state or the time zone of CreatedAt")
	}
}

// FuzzValidate feeds arbitrary text through Normalize and Validate. Whatever
// Validate accepts must respect every rule.
func FuzzValidate(f *testing.F) {
	f.Add("feedback", "bribe", "Đòi tiền", "Cán bộ đòi 500.000 đồng", "2026-11-20", "26743", "UBND phường", "Quầy 3", "vi", true,
		"", "", "", "", "")
	f.Add("complaint", "delay", "Chậm hồ sơ", "Quá hạn 20 ngày", "", "", "Sở TN-MT", "", "en", false,
		"Trần Thị Ngọc", "+84 912 345 678", "ngoc@example.vn", "079203004005", "12 Lê Lợi")
	f.Add("denunciation", "other", " x ", "\ty\n", "2026-11-28", "79", "", "", "", false,
		"An", "", "Ngoc <a@b>", "12345678", "")
	f.Add("denunciation", "other", "x", "y", "2026-11-28", "79", "", "", "", true, "", "", "", "", "")
	f.Add(" feedback ", "", "a\x00b", "", "2026-13-01", "", "", "", "fr", true, " ", " ", " ", " ", " ")
	f.Add("complaint", "bribe", "t", "d", "1900-01-01", "", "p", "", "vi", true, "N", "0912345678", "", "", "")
	f.Add("feedback", "bribe", "t", "d", "", "", "p", "", "vi", false, "N", "", "", "", "địa chỉ")

	lim := services.Limits{MaxTitleChars: 20, MaxDescriptionChars: 60, MaxFieldChars: 24}
	now := validNow
	today := now.In(services.VietnamTime).Format("2006-01-02")
	known := map[string]bool{services.FieldRequired: true, services.FieldTooLong: true, services.FieldInvalid: true,
		services.FieldNotAllowed: true, services.FieldFuture: true}
	phone := regexp.MustCompile(`^\+?[0-9 .()-]{8,20}$`)
	nationalID := regexp.MustCompile(`^([0-9]{9}|[0-9]{12})$`)

	f.Fuzz(func(t *testing.T, kind, category, title, description, incidentDate, areaCode, place, office, language string,
		anonymous bool, name, phoneNo, email, nationalIDNo, address string) {
		in := services.SubmitInput{
			Kind: services.Kind(kind), Category: category, Title: title, Description: description, IncidentDate: incidentDate,
			AreaCode: areaCode, Place: place, Office: office, Counter: office, Procedure: title, DossierNumber: category,
			Officials: name, Language: language, Anonymous: anonymous,
			Identity: &services.IdentityInput{Name: name, Phone: phoneNo, Email: email, Address: address, NationalID: nationalIDNo},
		}
		in.Normalize()

		again := in
		if in.Identity != nil {
			idCopy := *in.Identity
			again.Identity = &idCopy
		}
		again.Normalize()
		if !reflect.DeepEqual(again, in) {
			t.Fatalf("Normalize is not idempotent: %+v then %+v", in, again)
		}

		err := in.Validate(lim, now)
		if err != nil {
			var e *services.Error
			if !errors.As(err, &e) || e.Code != services.CodeInvalid || len(e.Fields) == 0 {
				t.Fatalf("Validate error %v is not an invalid *Error with fields", err)
			}
			for field, problem := range e.Fields {
				if !known[problem] {
					t.Fatalf("field %q has unknown problem %q", field, problem)
				}
			}
			return
		}

		if !in.Kind.Valid() {
			t.Fatalf("accepted kind %q", in.Kind)
		}
		if in.Language != "vi" && in.Language != "en" {
			t.Fatalf("accepted language %q", in.Language)
		}
		if in.Category == "" || in.Title == "" || in.Description == "" || (in.Place == "" && in.AreaCode == "") {
			t.Fatalf("accepted a missing required field: %+v", in)
		}
		for field, v := range map[string]struct {
			s   string
			max int
		}{
			"title": {in.Title, lim.MaxTitleChars}, "description": {in.Description, lim.MaxDescriptionChars},
			"areaCode": {in.AreaCode, lim.MaxFieldChars}, "place": {in.Place, lim.MaxFieldChars},
			"office": {in.Office, lim.MaxFieldChars}, "counter": {in.Counter, lim.MaxFieldChars},
			"procedure": {in.Procedure, lim.MaxFieldChars}, "dossierNumber": {in.DossierNumber, lim.MaxFieldChars},
			"officials": {in.Officials, lim.MaxFieldChars},
		} {
			if n := utf8.RuneCountInString(v.s); n > v.max {
				t.Fatalf("accepted %s of %d characters (limit %d)", field, n, v.max)
			}
			if strings.TrimSpace(v.s) != v.s {
				t.Fatalf("accepted untrimmed %s %q", field, v.s)
			}
			if strings.ContainsFunc(v.s, isForbiddenControl) {
				t.Fatalf("accepted %s with a control character: %q", field, v.s)
			}
		}
		if in.IncidentDate != "" {
			d, err := time.Parse("2006-01-02", in.IncidentDate)
			if err != nil || d.Format("2006-01-02") != in.IncidentDate {
				t.Fatalf("accepted incident date %q", in.IncidentDate)
			}
			if in.IncidentDate < "1945-01-01" || in.IncidentDate > today {
				t.Fatalf("accepted incident date %q outside 1945-01-01..%s", in.IncidentDate, today)
			}
		}
		if in.Anonymous && (in.Identity != nil || in.Kind == services.KindComplaint) {
			t.Fatalf("accepted anonymous %s with identity %v", in.Kind, in.Identity != nil)
		}
		if !in.Anonymous && in.Kind.RequiresIdentity() && in.Identity == nil {
			t.Fatalf("accepted named %s without identity", in.Kind)
		}
		if id := in.Identity; id != nil {
			if id.Name == "" || utf8.RuneCountInString(id.Name) > lim.MaxFieldChars || strings.ContainsFunc(id.Name, isForbiddenControl) {
				t.Fatalf("accepted identity name %q", id.Name)
			}
			if utf8.RuneCountInString(id.Address) > lim.MaxFieldChars {
				t.Fatalf("accepted identity address of %d characters", utf8.RuneCountInString(id.Address))
			}
			if id.Phone == "" && id.Email == "" && id.Address == "" {
				t.Fatal("accepted an identity without any contact")
			}
			if id.Phone != "" && !phone.MatchString(id.Phone) {
				t.Fatalf("accepted phone %q", id.Phone)
			}
			if id.Email != "" {
				if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != id.Email {
					t.Fatalf("accepted email %q", id.Email)
				}
			}
			if id.NationalID != "" && !nationalID.MatchString(id.NationalID) {
				t.Fatalf("accepted national id %q", id.NationalID)
			}
		}
	})
}

// A feedback that is neither anonymous nor named carries no identity, so it is
// stored as anonymous: nothing could reveal who filed it.
func TestSubmitUnnamedFeedbackIsStoredAnonymous(t *testing.T) {
	st := newMemStore()
	in := validFeedback()
	in.Anonymous = false
	res, err := newIntake(t, st, validNow).Submit(context.Background(), services.SubmitRequest{Input: in})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	c := mustFind(t, st, res.ID)
	if !c.Anonymous || c.HasIdentity {
		t.Fatalf("stored anonymous %v hasIdentity %v, want true false", c.Anonymous, c.HasIdentity)
	}
	if _, ids := st.counts(); ids != 0 {
		t.Fatalf("stored %d identities", ids)
	}
}

// isForbiddenControl is the control-character rule of Validate: every control
// character except newline, carriage return and tab.
func isForbiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}
