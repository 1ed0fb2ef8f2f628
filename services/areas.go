package services

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Area is a node of the administrative area tree (province → commune).
type Area struct {
	Code   string
	Parent string
	Level  string // "province" or "commune"
	Name   Text
	// Remote marks a remote area (vùng sâu, vùng xa, đi lại khó khăn), where
	// the law gives complaints longer resolution periods; a province's mark
	// covers its communes.
	Remote bool
}

// The levels of the area tree.
const (
	AreaProvince = "province"
	AreaCommune  = "commune"
)

// Area codes are the official statistical codes (2 digits for a province,
// 5 for a commune); letters and hyphens are allowed for areas that have
// none.
var areaCodePattern = regexp.MustCompile(`^[a-z0-9-]{2,20}$`)

// Validate checks the area's own fields; that a commune's parent exists and
// is a province is checked by Org.
func (a Area) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", a.Code, areaCodePattern)
	checkName(f, "name", a.Name)
	switch a.Level {
	case "":
		f.Add("level", FieldRequired)
	case AreaProvince:
		if a.Parent != "" {
			f.Add("parent", FieldNotAllowed)
		}
	case AreaCommune:
		switch {
		case a.Parent == "":
			f.Add("parent", FieldRequired)
		case a.Parent == a.Code || !areaCodePattern.MatchString(a.Parent):
			f.Add("parent", FieldInvalid)
		}
	default:
		f.Add("level", FieldInvalid)
	}
	return f.Err()
}

// checkAreas adds field problems for area codes that are not in the tree.
func (o *Org) checkAreas(ctx context.Context, f FieldErrors, field string, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	areas, err := o.catalog.ListAreas(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(areas))
	for _, a := range areas {
		known[a.Code] = true
	}
	for _, c := range codes {
		if !known[c] {
			f.Add(field, FieldUnknown)
		}
	}
	return nil
}

// ListAreas returns the area tree.
func (o *Org) ListAreas(ctx context.Context, actor Actor) ([]Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.catalog.ListAreas(ctx)
}

// checkParent adds a field problem unless a commune's parent is a stored
// province.
func (o *Org) checkParent(ctx context.Context, f FieldErrors, a Area) error {
	if a.Level != AreaCommune {
		return nil
	}
	p, err := o.catalog.FindArea(ctx, a.Parent)
	switch {
	case IsCode(err, CodeNotFound):
		f.Add("parent", FieldUnknown)
	case err != nil:
		return err
	case p.Level != AreaProvince:
		f.Add("parent", FieldInvalid)
	}
	return nil
}

// checkArea validates an area and its place in the tree.
func (o *Org) checkArea(ctx context.Context, a Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	f := FieldErrors{}
	if err := o.checkParent(ctx, f, a); err != nil {
		return err
	}
	return f.Err()
}

// CreateArea adds a province or a commune. Areas are never deleted: reports,
// units and rules refer to them.
func (o *Org) CreateArea(ctx context.Context, actor Actor, in Area) (Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Area{}, err
	}
	a := Area{Code: in.Code, Parent: in.Parent, Level: in.Level, Name: trimText(in.Name), Remote: in.Remote}
	if err := o.checkArea(ctx, a); err != nil {
		return Area{}, err
	}
	if err := o.store.InsertArea(ctx, a); err != nil {
		return Area{}, err
	}
	return a, o.record(ctx, actor, "area.create", a.Code, fmt.Sprintf("level=%s parent=%s remote=%t", a.Level, a.Parent, a.Remote))
}

// AreaPatch changes some fields of an area; nil fields stay as they are.
type AreaPatch struct {
	Parent *string
	Level  *string
	Name   *Text
	Remote *bool
}

// Apply returns a with the patch applied and the names of the fields that
// actually changed. A province has no parent, so turning a commune into a
// province clears it.
func (p AreaPatch) Apply(a Area) (Area, []string) {
	var changed []string
	if p.Level != nil && *p.Level != a.Level {
		a.Level = *p.Level
		changed = append(changed, "level="+a.Level)
		if a.Level == AreaProvince && p.Parent == nil {
			a.Parent = ""
		}
	}
	if p.Parent != nil && *p.Parent != a.Parent {
		a.Parent = *p.Parent
		changed = append(changed, "parent="+a.Parent)
	}
	if p.Name != nil && trimText(*p.Name) != a.Name {
		a.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.Remote != nil && *p.Remote != a.Remote {
		a.Remote = *p.Remote
		changed = append(changed, fmt.Sprintf("remote=%t", a.Remote))
	}
	return a, changed
}

// UpdateArea applies p to the area code. A province that has communes
// cannot become a commune.
func (o *Org) UpdateArea(ctx context.Context, actor Actor, code string, p AreaPatch) (Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Area{}, err
	}
	old, err := o.catalog.FindArea(ctx, code)
	if err != nil {
		return Area{}, err
	}
	a, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := o.checkArea(ctx, a); err != nil {
		return Area{}, err
	}
	if old.Level == AreaProvince && a.Level != AreaProvince {
		areas, err := o.catalog.ListAreas(ctx)
		if err != nil {
			return Area{}, err
		}
		for _, x := range areas {
			if x.Parent == code {
				return Area{}, Errorf(ReasonAreaHasCommunes, "Communes belong to this province; it cannot become a commune.")
			}
		}
	}
	if err := o.store.UpdateArea(ctx, old, a); err != nil {
		return Area{}, err
	}
	return a, o.record(ctx, actor, "area.update", code, "changed: "+strings.Join(changed, "; "))
}

// DefaultAreas is a small starting sample of Ho Chi Minh City's area tree;
// admins maintain the full tree.
var DefaultAreas = []Area{
	{Code: "79", Level: "province", Name: Text{VI: "Thành phố Hồ Chí Minh", EN: "Ho Chi Minh City"}},
	{Code: "26734", Parent: "79", Level: "commune", Name: Text{VI: "Phường Tân Định", EN: "Tan Dinh Ward"}},
	{Code: "26740", Parent: "79", Level: "commune", Name: Text{VI: "Phường Sài Gòn", EN: "Sai Gon Ward"}},
	{Code: "26743", Parent: "79", Level: "commune", Name: Text{VI: "Phường Bến Thành", EN: "Ben Thanh Ward"}},
	{Code: "26758", Parent: "79", Level: "commune", Name: Text{VI: "Phường Cầu Ông Lãnh", EN: "Cau Ong Lanh Ward"}},
	{Code: "27139", Parent: "79", Level: "commune", Name: Text{VI: "Phường Chợ Lớn", EN: "Cho Lon Ward"}},
	{Code: "26944", Parent: "79", Level: "commune", Name: Text{VI: "Phường Bình Thạnh", EN: "Binh Thanh Ward"}},
	{Code: "27595", Parent: "79", Level: "commune", Name: Text{VI: "Xã Củ Chi", EN: "Cu Chi Commune"}},
	{Code: "27673", Parent: "79", Level: "commune", Name: Text{VI: "Xã Cần Giờ", EN: "Can Gio Commune"}},
}
