package mongostore_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// ensureUnitCodeIndex creates the unique index on units.code that
// indexes.go will declare, unless EnsureIndexes already made it.
func ensureUnitCodeIndex(t *testing.T, env *testenv.Env) {
	t.Helper()
	ctx := context.Background()
	col := env.Client.Database(env.Database).Collection("units")
	cur, err := col.Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var specs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == "code_unique" {
			return
		}
	}
	if _, err := col.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}},
		Options: options.Index().SetName("code_unique").SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code services.Code) {
	t.Helper()
	if !services.IsCode(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

var orgTime = time.Date(2026, 11, 27, 3, 4, 5, 6_000_000, time.UTC)

func TestUnitStore(t *testing.T) {
	env := testenv.New(t)
	ensureUnitCodeIndex(t, env)
	ctx := context.Background()
	st := env.Store
	u := services.Unit{ID: st.NewID(), Code: "thanh-tra-q1", Name: services.Text{VI: "Thanh tra", EN: "Inspectorate"},
		Type: services.UnitInspection, AreaCodes: []string{"26743", "26740"}, Active: true, Version: 1, CreatedAt: orgTime, UpdatedAt: orgTime}
	if err := st.InsertUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := st.FindUnitByID(ctx, u.ID)
	if err != nil || !reflect.DeepEqual(got, u) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, u)
	}
	dup := u
	dup.ID = st.NewID()
	wantCode(t, "duplicate code", st.InsertUnit(ctx, dup), services.CodeConflict)

	front := services.Unit{ID: st.NewID(), Code: "mttq-q1", Name: services.Text{VI: "MTTQ", EN: "Front"}, Type: services.UnitFront,
		Active: true, Version: 1, CreatedAt: orgTime, UpdatedAt: orgTime}
	if err := st.InsertUnit(ctx, front); err != nil {
		t.Fatal(err)
	}
	all, err := st.FindUnits(ctx)
	if err != nil || len(all) != 2 || all[0].Code != "mttq-q1" || all[1].Code != "thanh-tra-q1" {
		t.Fatalf("FindUnits = %+v, %v", all, err)
	}
	if all[0].AreaCodes == nil {
		t.Fatal("a unit without areas must come back with an empty list, not nil")
	}

	next := u
	next.Name.EN, next.AreaCodes, next.Active, next.UpdatedAt = "City Inspectorate", []string{"79"}, false, orgTime.Add(time.Hour)
	if err := st.UpdateUnit(ctx, next, 1); err != nil {
		t.Fatal(err)
	}
	got, _ = st.FindUnitByID(ctx, u.ID)
	next.Version = 2
	if !reflect.DeepEqual(got, next) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, next)
	}
	wantCode(t, "stale version", st.UpdateUnit(ctx, next, 1), services.CodeConflict)
	gone := next
	gone.ID = st.NewID()
	wantCode(t, "update unknown", st.UpdateUnit(ctx, gone, 1), services.CodeNotFound)
	for _, id := range []string{st.NewID(), "not-an-id", ""} {
		_, err := st.FindUnitByID(ctx, id)
		wantCode(t, "find "+id, err, services.CodeNotFound)
	}
}

func TestAreaAndCategoryWrites(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	st := env.Store
	if err := st.SeedAreas(ctx, services.DefaultAreas); err != nil {
		t.Fatal(err)
	}
	a := services.Area{Code: "27154", Parent: "79", Level: "commune", Name: services.Text{VI: "Phường Bàn Cờ", EN: "Ban Co Ward"}}
	if err := st.InsertArea(ctx, a); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "duplicate area", st.InsertArea(ctx, a), services.CodeConflict)
	if got, err := st.FindArea(ctx, "27154"); err != nil || got != a {
		t.Fatalf("FindArea = %+v, %v", got, err)
	}
	// A seeded area (same document shape) can be updated.
	old, _ := st.FindArea(ctx, "26743")
	next := old
	next.Name.EN = "Ben Thanh"
	if err := st.UpdateArea(ctx, old, next); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.FindArea(ctx, "26743"); got != next {
		t.Fatalf("after update: %+v", got)
	}
	wantCode(t, "stale area", st.UpdateArea(ctx, old, next), services.CodeConflict)
	wantCode(t, "unknown area", st.UpdateArea(ctx, services.Area{Code: "99999"}, next), services.CodeNotFound)

	c := services.Category{Code: "fake_fees", Name: services.Text{VI: "Thu phí sai", EN: "Wrong fees"}, Order: 65, Active: true}
	if err := st.InsertCategory(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "duplicate category", st.InsertCategory(ctx, c), services.CodeConflict)
	nc := c
	nc.Active, nc.Order = false, 66
	if err := st.UpdateCategory(ctx, c, nc); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.FindCategory(ctx, "fake_fees"); got != nc {
		t.Fatalf("after update: %+v", got)
	}
	wantCode(t, "stale category", st.UpdateCategory(ctx, c, nc), services.CodeConflict)
	wantCode(t, "unknown category", st.UpdateCategory(ctx, services.Category{Code: "nope"}, nc), services.CodeNotFound)
}

func TestRoutingRuleStore(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	st := env.Store
	r1 := services.RoutingRule{ID: st.NewID(), InspectionUnitID: "u1", FrontUnitID: "f1", Note: "mặc định", CreatedAt: orgTime}
	r2 := services.RoutingRule{ID: st.NewID(), Category: "bribe", AreaCode: "79", InspectionUnitID: "u2", CreatedAt: orgTime.Add(time.Minute)}
	for _, r := range []services.RoutingRule{r2, r1} {
		if err := st.InsertRoutingRule(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.FindRoutingRules(ctx)
	if err != nil || !reflect.DeepEqual(got, []services.RoutingRule{r1, r2}) {
		t.Fatalf("FindRoutingRules = %+v, %v", got, err)
	}
	if err := st.DeleteRoutingRule(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "delete again", st.DeleteRoutingRule(ctx, r1.ID), services.CodeNotFound)
	wantCode(t, "delete malformed", st.DeleteRoutingRule(ctx, "zz"), services.CodeNotFound)
	if got, _ := st.FindRoutingRules(ctx); len(got) != 1 || got[0].ID != r2.ID {
		t.Fatalf("after delete: %+v", got)
	}
}

func TestHolidayStore(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	st := env.Store
	h := services.Holiday{Date: "2026-11-24", Name: services.Text{VI: "Ngày Văn hóa Việt Nam", EN: "Vietnam Culture Day"}}
	if err := st.InsertHoliday(ctx, h); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "same date", st.InsertHoliday(ctx, h), services.CodeConflict)
	// Seeding inserts the missing dates and leaves an existing one's name.
	seed := []services.Holiday{{Date: "2026-11-24", Name: services.Text{VI: "x", EN: "x"}}, services.DefaultHolidays[1], services.DefaultHolidays[0]}
	for range 2 {
		if err := st.SeedHolidays(ctx, seed); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.FindHolidays(ctx)
	want := []services.Holiday{services.DefaultHolidays[0], services.DefaultHolidays[1], h}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("FindHolidays = %+v, %v\nwant %+v", got, err, want)
	}
	if err := st.DeleteHoliday(ctx, "2026-11-24"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "delete again", st.DeleteHoliday(ctx, "2026-11-24"), services.CodeNotFound)
}

func TestDeadlinePolicyStore(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	st := env.Store
	edited := services.DefaultDeadlinePolicies[1]
	edited.AcceptDays, edited.UpdatedAt = 9, orgTime
	if err := st.PutDeadlinePolicy(ctx, edited); err != nil { // an upsert
		t.Fatal(err)
	}
	seed := slices.Clone(services.DefaultDeadlinePolicies)
	for i := range seed {
		seed[i].UpdatedAt = orgTime.Add(time.Hour)
	}
	for range 2 {
		if err := st.SeedDeadlinePolicies(ctx, seed); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.FindDeadlinePolicies(ctx)
	if err != nil || len(got) != 3 {
		t.Fatalf("FindDeadlinePolicies = %+v, %v", got, err)
	}
	byKind := map[services.Kind]services.DeadlinePolicy{}
	for _, p := range got {
		byKind[p.Kind] = p
	}
	if !reflect.DeepEqual(byKind[services.KindComplaint], edited) {
		t.Fatalf("seeding overwrote an edited policy: %+v", byKind[services.KindComplaint])
	}
	if !reflect.DeepEqual(byKind[services.KindDenunciation], seed[2]) || !reflect.DeepEqual(byKind[services.KindFeedback], seed[0]) {
		t.Fatalf("seeded policies differ: %+v", byKind)
	}
	edited.ResolveDays, edited.UpdatedAt = 31, orgTime.Add(2*time.Hour)
	if err := st.PutDeadlinePolicy(ctx, edited); err != nil { // a replacement
		t.Fatal(err)
	}
	got, _ = st.FindDeadlinePolicies(ctx)
	if i := slices.IndexFunc(got, func(p services.DeadlinePolicy) bool { return p.Kind == services.KindComplaint }); i < 0 ||
		!reflect.DeepEqual(got[i], edited) || len(got) != 3 {
		t.Fatalf("after replace: %+v", got)
	}
}

func TestAdminEventStore(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	st := env.Store
	for i := range 5 {
		e := services.AdminEvent{At: orgTime.Add(time.Duration(i) * time.Minute), ActorID: "admin1", Action: "unit.create",
			Target: string(rune('a' + i)), Summary: "code=x"}
		if err := st.InsertAdminEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.ListAdminEvents(ctx, 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("ListAdminEvents = %+v, %v", got, err)
	}
	if got[0].Target != "e" || got[2].Target != "c" || !got[0].At.Equal(orgTime.Add(4*time.Minute)) || got[0].ActorID != "admin1" {
		t.Fatalf("not newest first: %+v", got)
	}
}

// The Org service against the real store.

type orgFixture struct {
	env   *testenv.Env
	org   *services.Org
	admin services.Actor
}

func newOrgFixture(t *testing.T) *orgFixture {
	t.Helper()
	env := testenv.New(t)
	ensureUnitCodeIndex(t, env)
	ctx := context.Background()
	if err := services.NewCatalog(services.CatalogOptions{Store: env.Store}).Seed(ctx); err != nil {
		t.Fatal(err)
	}
	org := services.NewOrg(services.OrgOptions{Store: env.Store, Catalog: env.Store, Audit: env.Store, Now: func() time.Time { return orgTime }})
	return &orgFixture{env: env, org: org, admin: services.Actor{UserID: "admin-1", Email: "a@example.vn", Role: services.RoleAdmin}}
}

func (f *orgFixture) actions(t *testing.T) []string {
	t.Helper()
	es, err := f.env.Store.ListAdminEvents(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].ActorID != f.admin.UserID || es[i].Target == "" && es[i].Action != "holiday.delete" {
			t.Fatalf("event %+v lacks actor or target", es[i])
		}
		out = append(out, es[i].Action+" "+es[i].Target)
	}
	return out
}

func assertInvalid(t *testing.T, err error, want map[string]string) {
	t.Helper()
	var e *services.Error
	if !services.IsCode(err, services.CodeInvalid) || !errors.As(err, &e) || !reflect.DeepEqual(e.Fields, want) {
		t.Fatalf("err = %v (fields %v), want invalid %v", err, e, want)
	}
}

func TestOrgSeed(t *testing.T) {
	f := newOrgFixture(t)
	ctx := context.Background()
	for range 2 {
		if err := f.org.Seed(ctx); err != nil {
			t.Fatal(err)
		}
	}
	hs, _ := f.org.ListHolidays(ctx, f.admin)
	if !reflect.DeepEqual(hs, services.DefaultHolidays) {
		t.Fatalf("seeded holidays differ: %d of %d", len(hs), len(services.DefaultHolidays))
	}
	ps, _ := f.org.ListDeadlinePolicies(ctx, f.admin)
	if len(ps) != 3 || ps[0].Kind != services.KindFeedback || ps[1].Kind != services.KindComplaint || ps[2].Kind != services.KindDenunciation {
		t.Fatalf("policies = %+v", ps)
	}
	// An admin removes a compensatory day and edits a policy: restarts keep both.
	if err := f.org.DeleteHoliday(ctx, f.admin, "2027-02-11"); err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	p.ResolveDays = 12
	if _, err := f.org.PutDeadlinePolicy(ctx, f.admin, p); err != nil {
		t.Fatal(err)
	}
	if err := f.org.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	hs, _ = f.org.ListHolidays(ctx, f.admin)
	if len(hs) != len(services.DefaultHolidays)-1 || slices.ContainsFunc(hs, func(h services.Holiday) bool { return h.Date == "2027-02-11" }) {
		t.Fatalf("a deleted default holiday came back: %d holidays", len(hs))
	}
	ps, _ = f.org.ListDeadlinePolicies(ctx, f.admin)
	if ps[0].ResolveDays != 12 {
		t.Fatalf("seeding overwrote an edited policy: %+v", ps[0])
	}
	if got := f.actions(t); !reflect.DeepEqual(got, []string{"holiday.delete 2027-02-11", "deadlinePolicy.update feedback"}) {
		t.Fatalf("events = %v", got)
	}
}

func TestOrgUnitsAndRouting(t *testing.T) {
	f := newOrgFixture(t)
	ctx := context.Background()
	org, admin := f.org, f.admin
	insp, err := org.CreateUnit(ctx, admin, services.Unit{Code: "thanh-tra-tp", Name: services.Text{VI: " Thanh tra TP ", EN: "City Inspectorate"},
		Type: services.UnitInspection, AreaCodes: []string{"79"}, Active: true, ID: "forged", Version: 99})
	if err != nil {
		t.Fatal(err)
	}
	if insp.ID == "forged" || insp.Version != 1 || insp.Name.VI != "Thanh tra TP" || !insp.CreatedAt.Equal(orgTime) {
		t.Fatalf("created unit: %+v", insp)
	}
	front, err := org.CreateUnit(ctx, admin, services.Unit{Code: "mttq-tp", Name: services.Text{VI: "Ủy ban MTTQ TP", EN: "City Front Committee"},
		Type: services.UnitFront, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = org.CreateUnit(ctx, admin, services.Unit{Code: "thanh-tra-tp", Name: insp.Name, Type: services.UnitInspection})
	wantCode(t, "duplicate unit code", err, services.CodeConflict)
	_, err = org.CreateUnit(ctx, admin, services.Unit{Code: "thanh-tra-x", Name: insp.Name, Type: services.UnitInspection, AreaCodes: []string{"79", "12345"}})
	assertInvalid(t, err, map[string]string{"areaCodes": "unknown"})

	// Rules check their references.
	_, err = org.CreateRoutingRule(ctx, admin, services.RoutingRule{Category: "nope", AreaCode: "00000", InspectionUnitID: front.ID, FrontUnitID: insp.ID})
	assertInvalid(t, err, map[string]string{"category": "unknown", "areaCode": "unknown", "inspectionUnitId": "invalid", "frontUnitId": "invalid"})
	_, err = org.CreateRoutingRule(ctx, admin, services.RoutingRule{InspectionUnitID: f.env.Store.NewID()})
	assertInvalid(t, err, map[string]string{"inspectionUnitId": "unknown"})
	def, err := org.CreateRoutingRule(ctx, admin, services.RoutingRule{InspectionUnitID: insp.ID, FrontUnitID: front.ID, Note: " mặc định "})
	if err != nil {
		t.Fatal(err)
	}
	if def.ID == "" || def.Note != "mặc định" || !def.CreatedAt.Equal(orgTime) {
		t.Fatalf("created rule: %+v", def)
	}
	rules, _ := org.ListRoutingRules(ctx, admin)
	areas, _ := org.ListAreas(ctx, admin)
	if i, fr, ok := services.Route(rules, areas, "bribe", "26743"); i != insp.ID || fr != front.ID || !ok {
		t.Fatalf("Route = %q %q %v", i, fr, ok)
	}

	// A unit that rules use cannot be deactivated.
	off := false
	_, err = org.UpdateUnit(ctx, admin, insp.ID, services.UnitPatch{Active: &off})
	wantCode(t, "deactivate a routed unit", err, services.CodeConflict)
	if err := org.DeleteRoutingRule(ctx, admin, def.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "delete rule again", org.DeleteRoutingRule(ctx, admin, def.ID), services.CodeNotFound)
	updated, err := org.UpdateUnit(ctx, admin, insp.ID, services.UnitPatch{Active: &off})
	if err != nil || updated.Active || updated.Version != 2 {
		t.Fatalf("deactivate: %+v, %v", updated, err)
	}
	// An empty patch changes nothing and records nothing.
	if same, err := org.UpdateUnit(ctx, admin, insp.ID, services.UnitPatch{}); err != nil || same.Version != 2 {
		t.Fatalf("empty patch: %+v, %v", same, err)
	}
	_, err = org.CreateRoutingRule(ctx, admin, services.RoutingRule{InspectionUnitID: insp.ID})
	assertInvalid(t, err, map[string]string{"inspectionUnitId": "invalid"})
	_, err = org.UpdateUnit(ctx, admin, f.env.Store.NewID(), services.UnitPatch{Active: &off})
	wantCode(t, "update unknown unit", err, services.CodeNotFound)
	if u, err := org.UnitByID(ctx, insp.ID); err != nil || u.Active {
		t.Fatalf("UnitByID = %+v, %v", u, err)
	}
	if name, err := org.UnitName(ctx, front.ID); err != nil || name != "Ủy ban MTTQ TP" {
		t.Fatalf("UnitName = %q, %v", name, err)
	}
	if _, err := org.UnitName(ctx, "nope"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("UnitName(unknown) = %v", err)
	}

	want := []string{"unit.create " + insp.ID, "unit.create " + front.ID, "routingRule.create " + def.ID,
		"routingRule.delete " + def.ID, "unit.update " + insp.ID}
	if got := f.actions(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
}

func TestOrgAreasAndCategories(t *testing.T) {
	f := newOrgFixture(t)
	ctx := context.Background()
	org, admin := f.org, f.admin
	name := services.Text{VI: "Tỉnh Thử", EN: "Test Province"}
	_, err := org.CreateArea(ctx, admin, services.Area{Code: "99001", Parent: "98", Level: "commune", Name: name})
	assertInvalid(t, err, map[string]string{"parent": "unknown"})
	_, err = org.CreateArea(ctx, admin, services.Area{Code: "99001", Parent: "26743", Level: "commune", Name: name})
	assertInvalid(t, err, map[string]string{"parent": "invalid"})
	if _, err := org.CreateArea(ctx, admin, services.Area{Code: "98", Level: "province", Name: name}); err != nil {
		t.Fatal(err)
	}
	_, err = org.CreateArea(ctx, admin, services.Area{Code: "98", Level: "province", Name: name})
	wantCode(t, "duplicate area", err, services.CodeConflict)
	if _, err := org.CreateArea(ctx, admin, services.Area{Code: "99001", Parent: "98", Level: "commune", Name: name}); err != nil {
		t.Fatal(err)
	}
	commune := "commune"
	_, err = org.UpdateArea(ctx, admin, "98", services.AreaPatch{Level: &commune, Parent: ptr("79")})
	wantCode(t, "province with communes becomes a commune", err, services.CodeConflict)
	moved, err := org.UpdateArea(ctx, admin, "99001", services.AreaPatch{Parent: ptr("79")})
	if err != nil || moved.Parent != "79" {
		t.Fatalf("move commune: %+v, %v", moved, err)
	}
	_, err = org.UpdateArea(ctx, admin, "nope", services.AreaPatch{Parent: ptr("79")})
	wantCode(t, "update unknown area", err, services.CodeNotFound)

	c, err := org.CreateCategory(ctx, admin, services.Category{Code: "fake_fees", Name: services.Text{VI: "Thu phí sai", EN: "Wrong fees"}, Order: 65, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = org.CreateCategory(ctx, admin, c)
	wantCode(t, "duplicate category", err, services.CodeConflict)
	off := false
	if got, err := org.UpdateCategory(ctx, admin, "bribe", services.CategoryPatch{Active: &off}); err != nil || got.Active {
		t.Fatalf("deactivate category: %+v, %v", got, err)
	}
	cats, _ := org.ListCategories(ctx, admin)
	if i := slices.IndexFunc(cats, func(x services.Category) bool { return x.Code == "bribe" }); i < 0 || cats[i].Active {
		t.Fatal("admins must see inactive categories")
	}
	want := []string{"area.create 98", "area.create 99001", "area.update 99001", "category.create fake_fees", "category.update bribe"}
	if got := f.actions(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// TestAdminEventsAreNamed: the admin audit listing names the acting account
// and what was changed (an account, a unit, an area, a category), so that
// the log does not show bare ids; a holiday keeps its date, an unknown
// account or the system keeps its id with no name.
func TestAdminEventsAreNamed(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	if err := services.NewCatalog(services.CatalogOptions{Store: env.Store}).Seed(ctx); err != nil {
		t.Fatal(err)
	}
	adminUser := &services.User{Email: "lan@example.vn", Name: "Nguyễn Thị Lan", Role: services.RoleAdmin, Active: true}
	nameless := &services.User{Email: "hoa@example.vn", Role: services.RoleInspector, Active: true}
	for _, u := range []*services.User{adminUser, nameless} {
		if err := env.Store.InsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	org := services.NewOrg(services.OrgOptions{Store: env.Store, Catalog: env.Store, Audit: env.Store, Users: env.Store,
		Now: func() time.Time { return orgTime }})
	admin := services.Actor{UserID: adminUser.ID, Email: adminUser.Email, Role: services.RoleAdmin}
	unit, err := org.CreateUnit(ctx, admin, services.Unit{Code: "thanh-tra-q1", Name: services.Text{VI: "Thanh tra Quận 1", EN: "District 1 Inspectorate"},
		Type: services.UnitInspection, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	order := 42
	cat, err := org.UpdateCategory(ctx, admin, "bribe", services.CategoryPatch{Order: &order})
	if err != nil {
		t.Fatal(err)
	}
	area := services.DefaultAreas[0]
	remote := !area.Remote
	if _, err := org.UpdateArea(ctx, admin, area.Code, services.AreaPatch{Remote: &remote}); err != nil {
		t.Fatal(err)
	}
	gone := env.Store.NewID()
	for _, e := range []services.AdminEvent{
		{At: orgTime, ActorID: adminUser.ID, Action: "user.create", Target: nameless.ID},
		{At: orgTime, ActorID: "system", Action: "user.update", Target: gone},
		{At: orgTime, ActorID: gone, Action: "holiday.create", Target: "2026-09-02"},
	} {
		if err := env.Store.InsertAdminEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	es, err := org.ListAdminEvents(ctx, admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]services.AdminEntry{}
	for _, e := range es {
		got[e.Action+" "+e.Target] = e
	}
	want := map[string]struct {
		actor  string
		target services.Text
	}{
		"unit.create " + unit.ID:     {"Nguyễn Thị Lan", unit.Name},
		"category.update bribe":      {"Nguyễn Thị Lan", cat.Name},
		"area.update " + area.Code:   {"Nguyễn Thị Lan", area.Name},
		"user.create " + nameless.ID: {"Nguyễn Thị Lan", services.Text{VI: "hoa@example.vn", EN: "hoa@example.vn"}},
		"user.update " + gone:        {"", services.Text{}},
		"holiday.create 2026-09-02":  {"", services.Text{}},
	}
	for k, w := range want {
		e, ok := got[k]
		if !ok {
			t.Fatalf("no event %q in %+v", k, es)
		}
		if e.ActorName != w.actor || e.TargetName != w.target {
			t.Errorf("%s: actor %q target %+v, want %q %+v", k, e.ActorName, e.TargetName, w.actor, w.target)
		}
	}
	if len(es) != len(want) {
		t.Errorf("%d events, want %d: %+v", len(es), len(want), es)
	}
}
