package services

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Related reports: on a report's page, the other reports about the same
// office or the same official, within the caller's scope only
// (docs/statistics.md, "Hotspots"). A unit's staff see their unit's, a
// committee's monitors their committee's; nothing crosses a scope.

// maxRelated bounds the related reports listed.
const maxRelated = 20

// RelatedReport is another report about the same office or official.
type RelatedReport struct {
	ID           string    `json:"id"`
	TrackingCode string    `json:"trackingCode"`
	Title        string    `json:"title"`
	Kind         Kind      `json:"kind"`
	Status       Status    `json:"status"`
	CreatedAt    time.Time `json:"createdAt"`
	// Office is true when it is about the same office; Officials are the
	// folded names of the officials both name.
	Office    bool     `json:"office"`
	Officials []string `json:"officials"`
}

// Related lists the reports within the caller's scope about the office or
// one of the officials report caseID is about, newest first.
func (w *Workflow) Related(ctx context.Context, actor Actor, caseID string) ([]RelatedReport, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	keys := PlaceKeys(c.Office, c.Officials)
	unit, front := c.UnitID, false
	if actor.Role == RoleMonitor {
		unit, front = c.FrontUnitID, true
	}
	if actor.UnitID != unit {
		return nil, Errorf(ReasonInternal, "The related reports could not be read.")
	}
	cases, err := w.queue.FindRelatedCases(ctx, unit, front, keys, c.ID, maxRelated)
	if err != nil {
		return nil, err
	}
	out := []RelatedReport{}
	for _, r := range cases {
		// Defence in depth, as the queue: a report the store lets through
		// by mistake is not shown.
		if !actor.CanSeeCase(r) {
			return nil, Errorf(ReasonInternal, "The related reports could not be read.")
		}
		rel := RelatedReport{ID: r.ID, TrackingCode: r.TrackingCode, Title: r.Title, Kind: r.Kind, Status: r.Status,
			CreatedAt: r.CreatedAt, Officials: []string{}}
		for _, k := range PlaceKeys(r.Office, r.Officials) {
			if !slices.Contains(keys, k) {
				continue
			}
			if name, ok := strings.CutPrefix(k, PlaceKeyOfficial); ok {
				rel.Officials = append(rel.Officials, name)
			} else {
				rel.Office = true
			}
		}
		out = append(out, rel)
	}
	return out, nil
}
