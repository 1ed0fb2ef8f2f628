package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

type eventDoc struct {
	Type   string    `bson:"type"`
	At     time.Time `bson:"at"`
	Actor  string    `bson:"actor"`
	Status string    `bson:"status,omitempty"`
	Public bool      `bson:"public"`
}

type caseDoc struct {
	ID                    bson.ObjectID `bson:"_id"`
	TrackingCode          string        `bson:"trackingCode"`
	ReceiptHash           string        `bson:"receiptHash"`
	Kind                  string        `bson:"kind"`
	AnonymousDenunciation bool          `bson:"anonymousDenunciation"`
	Category              string        `bson:"category"`
	Title                 string        `bson:"title"`
	Description           string        `bson:"description"`
	IncidentDate          string        `bson:"incidentDate,omitempty"`
	AreaCode              string        `bson:"areaCode,omitempty"`
	Place                 string        `bson:"place,omitempty"`
	Office                string        `bson:"office,omitempty"`
	Counter               string        `bson:"counter,omitempty"`
	Procedure             string        `bson:"procedure,omitempty"`
	DossierNumber         string        `bson:"dossierNumber,omitempty"`
	Officials             string        `bson:"officials,omitempty"`
	Language              string        `bson:"language"`
	Anonymous             bool          `bson:"anonymous"`
	HasIdentity           bool          `bson:"hasIdentity"`
	Status                string        `bson:"status"`
	ContentHash           string        `bson:"contentHash"`
	Version               int64         `bson:"version"`
	CreatedAt             time.Time     `bson:"createdAt"`
	UpdatedAt             time.Time     `bson:"updatedAt"`
	CreatedDay            string        `bson:"createdDay"`
	CreatedMonth          string        `bson:"createdMonth"`
	Timeline              []eventDoc    `bson:"timeline"`
}

func toCaseDoc(c *services.Case) (caseDoc, error) {
	oid, err := objectID(c.ID)
	if err != nil {
		return caseDoc{}, services.Errorf(services.CodeInternal, "Invalid report id.")
	}
	d := caseDoc{
		ID: oid, TrackingCode: c.TrackingCode, ReceiptHash: c.ReceiptHash, Kind: string(c.Kind),
		AnonymousDenunciation: c.AnonymousDenunciation, Category: c.Category, Title: c.Title,
		Description: c.Description, IncidentDate: c.IncidentDate, AreaCode: c.AreaCode, Place: c.Place,
		Office: c.Office, Counter: c.Counter, Procedure: c.Procedure, DossierNumber: c.DossierNumber,
		Officials: c.Officials, Language: c.Language, Anonymous: c.Anonymous, HasIdentity: c.HasIdentity,
		Status: string(c.Status), ContentHash: c.ContentHash, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, CreatedDay: c.CreatedDay, CreatedMonth: c.CreatedMonth,
		Timeline: make([]eventDoc, 0, len(c.Timeline)),
	}
	for _, e := range c.Timeline {
		d.Timeline = append(d.Timeline, eventDoc{Type: e.Type, At: e.At, Actor: e.Actor, Status: string(e.Status), Public: e.Public})
	}
	return d, nil
}

func (d caseDoc) toCase() services.Case {
	c := services.Case{
		ID: d.ID.Hex(), TrackingCode: d.TrackingCode, ReceiptHash: d.ReceiptHash, Kind: services.Kind(d.Kind),
		AnonymousDenunciation: d.AnonymousDenunciation, Category: d.Category, Title: d.Title,
		Description: d.Description, IncidentDate: d.IncidentDate, AreaCode: d.AreaCode, Place: d.Place,
		Office: d.Office, Counter: d.Counter, Procedure: d.Procedure, DossierNumber: d.DossierNumber,
		Officials: d.Officials, Language: d.Language, Anonymous: d.Anonymous, HasIdentity: d.HasIdentity,
		Status: services.Status(d.Status), ContentHash: d.ContentHash, Version: d.Version,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), CreatedDay: d.CreatedDay, CreatedMonth: d.CreatedMonth,
	}
	for _, e := range d.Timeline {
		c.Timeline = append(c.Timeline, services.Event{Type: e.Type, At: e.At.UTC(), Actor: e.Actor, Status: services.Status(e.Status), Public: e.Public})
	}
	return c
}

// InsertCase stores a new report in one write.
func (s *Store) InsertCase(ctx context.Context, c *services.Case) error {
	d, err := toCaseDoc(c)
	if err != nil {
		return err
	}
	_, err = s.db.Collection(colCases).InsertOne(ctx, d)
	return translate(err, "report")
}

// FindCaseByID returns the report with id.
func (s *Store) FindCaseByID(ctx context.Context, id string) (services.Case, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.Case{}, err
	}
	return s.findCase(ctx, bson.D{{Key: "_id", Value: oid}})
}

// FindCaseByTrackingCode returns the report with the given tracking code.
func (s *Store) FindCaseByTrackingCode(ctx context.Context, code string) (services.Case, error) {
	return s.findCase(ctx, bson.D{{Key: "trackingCode", Value: code}})
}

func (s *Store) findCase(ctx context.Context, filter bson.D) (services.Case, error) {
	var d caseDoc
	if err := s.db.Collection(colCases).FindOne(ctx, filter).Decode(&d); err != nil {
		return services.Case{}, translate(err, "report")
	}
	return d.toCase(), nil
}

// CountCases returns the number of stored reports.
func (s *Store) CountCases(ctx context.Context) (int64, error) {
	n, err := s.db.Collection(colCases).CountDocuments(ctx, bson.D{})
	return n, translate(err, "report")
}
