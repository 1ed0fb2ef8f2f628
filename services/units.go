package services

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Units are the bodies reports are routed to: inspection units, which
// handle them, and Fatherland Front committees, which supervise them.

// UnitType says which kind of body a unit is.
type UnitType string

// The unit types: who handles reports and who supervises their handling.
const (
	UnitInspection UnitType = "inspection" // an inspection unit (Thanh tra): handles cases
	UnitFront      UnitType = "front"      // a Fatherland Front committee (Mặt trận Tổ quốc): supervises them
)

// Valid reports whether t is a known unit type.
func (t UnitType) Valid() bool { return t == UnitInspection || t == UnitFront }

// Unit is an inspection unit or a Front committee.
type Unit struct {
	ID        string
	Code      string // unique, [a-z0-9-]{2,40}; never changes
	Name      Text
	Type      UnitType // never changes: routing rules depend on it
	AreaCodes []string // the areas it covers; each must exist
	Active    bool
	// Version counts the changes; an update applies only to the version it
	// was computed from (optimistic concurrency).
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// maxUnitAreas bounds the areas one unit covers.
const maxUnitAreas = 1000

var unitCodePattern = regexp.MustCompile(`^[a-z0-9-]{2,40}$`)

// Validate checks the unit's own fields; that its areas exist is checked by
// Org against the area tree.
func (u Unit) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", u.Code, unitCodePattern)
	checkName(f, "name", u.Name)
	switch {
	case u.Type == "":
		f.Add("type", FieldRequired)
	case !u.Type.Valid():
		f.Add("type", FieldInvalid)
	}
	if len(u.AreaCodes) > maxUnitAreas {
		f.Add("areaCodes", FieldTooLong)
	}
	seen := make(map[string]bool, len(u.AreaCodes))
	for _, c := range u.AreaCodes {
		if !areaCodePattern.MatchString(c) || seen[c] {
			f.Add("areaCodes", FieldInvalid)
		}
		seen[c] = true
	}
	return f.Err()
}

// UnitByID returns a unit for other services (no actor: callers check).
func (o *Org) UnitByID(ctx context.Context, id string) (Unit, error) {
	return o.store.FindUnitByID(ctx, id)
}

var _ UnitLookup = (*Org)(nil)

// UnitName returns the Vietnamese name of the unit id, for Staff (no actor:
// callers check).
func (o *Org) UnitName(ctx context.Context, id string) (string, error) {
	u, err := o.store.FindUnitByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name.VI, nil
}

// ListUnits returns every unit by code.
func (o *Org) ListUnits(ctx context.Context, actor Actor) ([]Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.store.FindUnits(ctx)
}

// ActiveUnits lists the active units for staff who handle or supervise
// reports (to name them, and for a lead to choose where to re-route a
// report): public bodies, so their codes and names only.
func (o *Org) ActiveUnits(ctx context.Context, actor Actor) ([]Unit, error) {
	if !actor.IsStaff() {
		return nil, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	all, err := o.store.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	out := []Unit{}
	for _, u := range all {
		if u.Active {
			out = append(out, Unit{ID: u.ID, Code: u.Code, Name: u.Name, Type: u.Type, Active: true})
		}
	}
	return out, nil
}

// NormalizeUnitCode puts a unit code an administrator typed into the form
// of the code rule ([a-z0-9-]): lower case, no diacritics, and spaces or
// punctuation as single dashes ("  TT Quận 1 " → "tt-quan-1"). What cannot
// be normalised (other symbols, a code too short or too long) is left for
// Validate to refuse.
func NormalizeUnitCode(s string) string {
	return strings.ReplaceAll(foldText(s), " ", "-")
}

// CreateUnit adds a unit. Its id, version and timestamps are set here.
func (o *Org) CreateUnit(ctx context.Context, actor Actor, in Unit) (Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Unit{}, err
	}
	u := Unit{Code: NormalizeUnitCode(in.Code), Name: trimText(in.Name), Type: in.Type, AreaCodes: slices.Clone(in.AreaCodes), Active: in.Active}
	if u.AreaCodes == nil {
		u.AreaCodes = []string{}
	}
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	f := FieldErrors{}
	if err := o.checkAreas(ctx, f, "areaCodes", u.AreaCodes); err != nil {
		return Unit{}, err
	}
	if err := f.Err(); err != nil {
		return Unit{}, err
	}
	u.ID, u.Version = o.store.NewID(), 1
	u.CreatedAt = o.now()
	u.UpdatedAt = u.CreatedAt
	if err := o.store.InsertUnit(ctx, u); err != nil {
		return Unit{}, err
	}
	return u, o.record(ctx, actor, "unit.create", u.ID,
		fmt.Sprintf("code=%s type=%s active=%t areas=%s", u.Code, u.Type, u.Active, strings.Join(u.AreaCodes, ",")))
}

// UnitPatch changes some fields of a unit; nil fields stay as they are.
// Code and type never change.
type UnitPatch struct {
	Name      *Text
	AreaCodes *[]string
	Active    *bool
}

// Apply returns u with the patch applied and the names of the fields that
// actually changed.
func (p UnitPatch) Apply(u Unit) (Unit, []string) {
	var changed []string
	if p.Name != nil && trimText(*p.Name) != u.Name {
		u.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.AreaCodes != nil && !slices.Equal(*p.AreaCodes, u.AreaCodes) {
		u.AreaCodes = slices.Clone(*p.AreaCodes)
		if u.AreaCodes == nil {
			u.AreaCodes = []string{}
		}
		changed = append(changed, "areaCodes="+strings.Join(u.AreaCodes, ","))
	}
	if p.Active != nil && *p.Active != u.Active {
		u.Active = *p.Active
		changed = append(changed, "active="+strconv.FormatBool(u.Active))
	}
	return u, changed
}

// UpdateUnit applies p to the unit id. A unit that routing rules still
// send cases to cannot be deactivated: the rules must change first.
func (o *Org) UpdateUnit(ctx context.Context, actor Actor, id string, p UnitPatch) (Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Unit{}, err
	}
	old, err := o.store.FindUnitByID(ctx, id)
	if err != nil {
		return Unit{}, err
	}
	u, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	f := FieldErrors{}
	if p.AreaCodes != nil {
		if err := o.checkAreas(ctx, f, "areaCodes", u.AreaCodes); err != nil {
			return Unit{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Unit{}, err
	}
	if old.Active && !u.Active {
		rules, err := o.store.FindRoutingRules(ctx)
		if err != nil {
			return Unit{}, err
		}
		for _, r := range rules {
			if r.InspectionUnitID == id || r.FrontUnitID == id {
				return Unit{}, Errorf(ReasonUnitStillRouted, "Routing rules still send reports to this unit; change them before deactivating it.")
			}
		}
	}
	u.UpdatedAt = o.now()
	if err := o.store.UpdateUnit(ctx, u, old.Version); err != nil {
		return Unit{}, err
	}
	u.Version = old.Version + 1
	return u, o.record(ctx, actor, "unit.update", id, "code="+u.Code+" changed: "+strings.Join(changed, "; "))
}

// checkUnit adds a field problem unless id names an active unit of type want.
func (o *Org) checkUnit(ctx context.Context, f FieldErrors, field, id string, want UnitType) error {
	u, err := o.store.FindUnitByID(ctx, id)
	switch {
	case IsCode(err, CodeNotFound):
		f.Add(field, FieldUnknown)
	case err != nil:
		return err
	case u.Type != want || !u.Active:
		f.Add(field, FieldInvalid)
	}
	return nil
}
