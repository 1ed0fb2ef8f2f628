package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"

	"minhbach/services"
)

// Demo accounts created by `portal seed demo`.
var demoAccounts = []struct {
	email, name string
	role        services.Role
	front       bool
}{
	{"admin@demo.minhbach.vn", "Quản trị viên (demo)", services.RoleAdmin, false},
	{"lead@demo.minhbach.vn", "Trưởng đoàn thanh tra (demo)", services.RoleLead, false},
	{"inspector@demo.minhbach.vn", "Thanh tra viên (demo)", services.RoleInspector, false},
	{"monitor@demo.minhbach.vn", "Giám sát viên MTTQ (demo)", services.RoleMonitor, true},
}

// seedCommand is `portal seed demo`: demo units, staff and reports,
// idempotently.
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "demo" {
		return usageError{"usage: portal seed demo"}
	}
	return withApp(ctx, getenv, stderr, func(a *app, log *slog.Logger) error {
		return seedDemo(ctx, a, getenv("PORTAL_DEMO_PASSWORD"), stdout, log)
	})
}

func seedDemo(ctx context.Context, a *app, password string, stdout io.Writer, _ *slog.Logger) error {
	printed := false
	if password == "" {
		raw := make([]byte, 9)
		_, _ = rand.Read(raw)
		password = "demo-" + hex.EncodeToString(raw)
		printed = true
	}
	inspection, front, err := a.seedDemoUnits(ctx)
	if err != nil {
		return err
	}
	for _, d := range demoAccounts {
		unit := inspection
		switch {
		case d.role == services.RoleAdmin:
			unit = ""
		case d.front:
			unit = front
		}
		_, err := a.Staff.CreateUser(ctx, nil, services.CreateUserInput{Email: d.email, Name: d.name, Role: d.role, UnitID: unit, Password: password})
		switch {
		case services.IsCode(err, services.CodeConflict):
			fmt.Fprintf(stdout, "exists   %s (%s)\n", d.email, d.role)
		case err != nil:
			return fmt.Errorf("%s: %w", d.email, err)
		default:
			fmt.Fprintf(stdout, "created  %s (%s)\n", d.email, d.role)
		}
	}
	n, err := a.seedDemoReports(ctx, inspection)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo reports: %d added\n", n)
	if printed {
		fmt.Fprintf(stdout, "password for new demo accounts: %s\n", password)
	} else {
		fmt.Fprintln(stdout, "password for new demo accounts: the value of PORTAL_DEMO_PASSWORD")
	}
	return nil
}

// system is the actor of the seed command in the admin audit log.
var system = services.Actor{UserID: "system:seed", Role: services.RoleAdmin}

// seedDemoUnits makes sure the demo inspection unit, the demo Front
// committee and a default routing rule to them exist.
func (a *app) seedDemoUnits(ctx context.Context) (inspection, front string, err error) {
	units, err := a.Org.ListUnits(ctx, system)
	if err != nil {
		return "", "", err
	}
	find := func(code string) string {
		for _, u := range units {
			if u.Code == code {
				return u.ID
			}
		}
		return ""
	}
	ensure := func(code string, typ services.UnitType, name services.Text) (string, error) {
		if id := find(code); id != "" {
			return id, nil
		}
		u, err := a.Org.CreateUnit(ctx, system, services.Unit{Code: code, Name: name, Type: typ, AreaCodes: []string{"79"}, Active: true})
		return u.ID, err
	}
	if inspection, err = ensure("demo-thanh-tra", services.UnitInspection,
		services.Text{VI: "Thanh tra Thành phố Hồ Chí Minh (demo)", EN: "Ho Chi Minh City Inspectorate (demo)"}); err != nil {
		return "", "", err
	}
	if front, err = ensure("demo-mttq", services.UnitFront,
		services.Text{VI: "Ủy ban MTTQ Việt Nam Thành phố (demo)", EN: "City Fatherland Front Committee (demo)"}); err != nil {
		return "", "", err
	}
	rules, err := a.Org.ListRoutingRules(ctx, system)
	if err != nil {
		return "", "", err
	}
	for _, r := range rules {
		if r.IsDefault() {
			return inspection, front, nil
		}
	}
	_, err = a.Org.CreateRoutingRule(ctx, system, services.RoutingRule{InspectionUnitID: inspection, FrontUnitID: front,
		Note: "demo: every report goes to the demo units"})
	return inspection, front, err
}

var demoReports = []services.SubmitInput{
	{Kind: services.KindFeedback, Category: "bribe", Title: "Cán bộ một cửa gợi ý nộp \"phí bồi dưỡng\"",
		Description:  "Khi nộp hồ sơ cấp giấy phép xây dựng, cán bộ tiếp nhận nói phải nộp thêm 2 triệu đồng thì mới nhận hồ sơ trong tuần.",
		IncidentDate: "2026-11-10", AreaCode: "26743", Place: "Bộ phận tiếp nhận và trả kết quả", Office: "UBND phường Bến Thành",
		Counter: "Quầy số 3", Procedure: "Cấp giấy phép xây dựng nhà ở riêng lẻ", DossierNumber: "HS-2026-004512", Language: "vi", Anonymous: true},
	{Kind: services.KindComplaint, Category: "delay", Title: "Hồ sơ đăng ký đất đai quá hạn 40 ngày",
		Description:  "Hồ sơ đăng ký biến động đất đai nộp ngày 01/09/2026, hẹn trả 15 ngày nhưng đến nay chưa có kết quả và không được giải thích.",
		IncidentDate: "2026-09-01", AreaCode: "26740", Place: "Chi nhánh văn phòng đăng ký đất đai", Office: "Văn phòng đăng ký đất đai",
		Procedure: "Đăng ký biến động đất đai", DossierNumber: "000.00.12.H29-260901-0042", Language: "vi",
		Identity: &services.IdentityInput{Name: "Nguyễn Văn Demo", Phone: "0900000001", Address: "1 Đường Demo, phường Sài Gòn"}},
	{Kind: services.KindDenunciation, Category: "extra_papers", Title: "Required documents beyond the published list",
		Description: "The counter officer demanded a notarised copy of a document that the procedure does not list, and refused the dossier without it.",
		AreaCode:    "26758", Place: "One-stop counter", Office: "Cau Ong Lanh Ward People's Committee", Procedure: "Birth registration",
		Language: "en", Anonymous: true},
}

// seedDemoReports files the sample reports once (they are routed to the
// demo units by the default rule).
func (a *app) seedDemoReports(ctx context.Context, unitID string) (int, error) {
	existing, err := a.store.FindUnitCases(ctx, unitID, false, len(demoReports))
	if err != nil || len(existing) >= len(demoReports) {
		return 0, err
	}
	n := 0
	for i, in := range demoReports[len(existing):] {
		res, err := a.Intake.Submit(ctx, services.SubmitRequest{Input: in})
		if err != nil {
			return n, err
		}
		n++
		if len(existing)+i == 0 {
			// The first sample goes all the way, so that the public feed of
			// outcomes has an entry.
			if err := a.concludeDemoReport(ctx, res.ID, unitID); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// concludeDemoReport takes a demo report through acceptance and
// investigation to a conclusion with a published summary, as the demo lead.
func (a *app) concludeDemoReport(ctx context.Context, caseID, unitID string) error {
	lead, err := a.store.FindUserByEmail(ctx, "lead@demo.minhbach.vn")
	if err != nil {
		return err
	}
	actor := services.Actor{UserID: lead.ID, Role: services.RoleLead, UnitID: unitID}
	for _, in := range []services.TransitionInput{
		{To: services.StatusAccepted},
		{To: services.StatusInvestigating},
		{To: services.StatusConcluded, Outcome: services.OutcomeSubstantiated,
			Actions: "Kiểm điểm, khiển trách cán bộ tiếp nhận; niêm yết lại thủ tục và lệ phí tại quầy.",
			Reply:   "Phản ánh của bạn là đúng. Cán bộ liên quan đã bị kiểm điểm.",
			PublicSummary: "Phản ánh về việc cán bộ tiếp nhận hồ sơ đòi khoản tiền ngoài quy định là đúng; " +
				"cán bộ đã bị khiển trách và thủ tục, lệ phí đã được niêm yết lại.",
			PublishSummary: true},
	} {
		if _, err := a.Workflow.Transition(ctx, actor, caseID, in); err != nil {
			return fmt.Errorf("demo conclusion (%s): %w", in.To, err)
		}
	}
	return nil
}
