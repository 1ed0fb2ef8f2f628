package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minhbach/services"
)

type eventDoc struct {
	Type   string    `bson:"type"`
	At     time.Time `bson:"at"`
	Actor  string    `bson:"actor"`
	Status string    `bson:"status,omitempty"`
	Public bool      `bson:"public"`
	Note   string    `bson:"note,omitempty"`
	Ref    string    `bson:"ref,omitempty"`
}

type attachmentDoc struct {
	ID              string    `bson:"id"`
	Name            string    `bson:"name"`
	SealedName      []byte    `bson:"sealedName,omitempty"`
	Size            int64     `bson:"size"`
	Type            string    `bson:"type"`
	SHA256          string    `bson:"sha256"`
	OriginalKey     string    `bson:"originalKey"`
	SanitizedKey    string    `bson:"sanitizedKey,omitempty"`
	SanitizedSize   int64     `bson:"sanitizedSize,omitempty"`
	SanitizedSHA256 string    `bson:"sanitizedSha256,omitempty"`
	Scan            string    `bson:"scan"`
	Signature       string    `bson:"signature,omitempty"`
	Source          string    `bson:"source"`
	MessageID       string    `bson:"messageId,omitempty"`
	UploadedAt      time.Time `bson:"uploadedAt"`
}

type outcomeDoc struct {
	Result        string    `bson:"result"`
	Actions       string    `bson:"actions"`
	Reply         string    `bson:"reply,omitempty"`
	PublicSummary string    `bson:"publicSummary,omitempty"`
	ConcludedBy   string    `bson:"concludedBy"`
	ConcludedAt   time.Time `bson:"concludedAt"`
	Published     bool      `bson:"published,omitempty"`
	PublishedAt   time.Time `bson:"publishedAt,omitempty"`
	PublicID      string    `bson:"publicId,omitempty"`
}

type proposalDoc struct {
	Result        string    `bson:"result"`
	Actions       string    `bson:"actions"`
	Reply         string    `bson:"reply,omitempty"`
	PublicSummary string    `bson:"publicSummary,omitempty"`
	ProposedBy    string    `bson:"proposedBy"`
	ProposedAt    time.Time `bson:"proposedAt"`
}

type extensionDoc struct {
	ID          string    `bson:"id"`
	Days        int       `bson:"days"`
	Reason      string    `bson:"reason"`
	RequestedBy string    `bson:"requestedBy"`
	RequestedAt time.Time `bson:"requestedAt"`
	Status      string    `bson:"status"`
	DecidedBy   string    `bson:"decidedBy,omitempty"`
	DecidedAt   time.Time `bson:"decidedAt,omitempty"`
	Note        string    `bson:"note,omitempty"`
}

type recommendationDoc struct {
	ID         string    `bson:"id"`
	AuthorID   string    `bson:"authorId"`
	Text       string    `bson:"text"`
	AnswerBy   string    `bson:"answerBy"`
	CreatedAt  time.Time `bson:"createdAt"`
	Answer     string    `bson:"answer,omitempty"`
	AnsweredBy string    `bson:"answeredBy,omitempty"`
	AnsweredAt time.Time `bson:"answeredAt,omitempty"`
}

type ratingDoc struct {
	Stars   int       `bson:"stars"`
	Comment string    `bson:"comment,omitempty"`
	At      time.Time `bson:"at"`
}

type messageDoc struct {
	ID            string    `bson:"id"`
	From          string    `bson:"from"`
	AuthorID      string    `bson:"authorId,omitempty"`
	Text          string    `bson:"text"`
	At            time.Time `bson:"at"`
	AttachmentIDs []string  `bson:"attachmentIds,omitempty"`
}

func toEventDoc(e services.Event) eventDoc {
	return eventDoc{Type: string(e.Type), At: e.At, Actor: e.Actor, Status: string(e.Status), Public: e.Public, Note: e.Note, Ref: e.Ref}
}

func toAttachmentDoc(a services.Attachment) attachmentDoc {
	return attachmentDoc(a)
}

func toMessageDoc(m services.Message) messageDoc { return messageDoc(m) }

func toExtensionDocs(es []services.CaseExtension) []extensionDoc {
	out := make([]extensionDoc, len(es))
	for i, e := range es {
		out[i] = extensionDoc(e)
	}
	return out
}

type caseDoc struct {
	ID                    bson.ObjectID       `bson:"_id"`
	TrackingCode          string              `bson:"trackingCode"`
	ReceiptHash           string              `bson:"receiptHash"`
	ReceiptVersion        int64               `bson:"receiptVersion,omitempty"`
	Kind                  string              `bson:"kind"`
	AnonymousDenunciation bool                `bson:"anonymousDenunciation"`
	Category              string              `bson:"category"`
	Title                 string              `bson:"title"`
	Description           string              `bson:"description"`
	IncidentDate          string              `bson:"incidentDate,omitempty"`
	AreaCode              string              `bson:"areaCode,omitempty"`
	Place                 string              `bson:"place,omitempty"`
	Office                string              `bson:"office,omitempty"`
	Counter               string              `bson:"counter,omitempty"`
	Procedure             string              `bson:"procedure,omitempty"`
	DossierNumber         string              `bson:"dossierNumber,omitempty"`
	Officials             string              `bson:"officials,omitempty"`
	Language              string              `bson:"language"`
	Anonymous             bool                `bson:"anonymous"`
	HasIdentity           bool                `bson:"hasIdentity"`
	Channel               string              `bson:"channel,omitempty"` // empty: the web form
	FiledBy               string              `bson:"filedBy,omitempty"`
	Status                string              `bson:"status"`
	StatusRank            int                 `bson:"statusRank"` // services.StatusRank(Status), for the queue's status sort
	UnitID                string              `bson:"unitId,omitempty"`
	FrontUnitID           string              `bson:"frontUnitId,omitempty"`
	AssigneeID            string              `bson:"assigneeId,omitempty"`
	DueAt                 time.Time           `bson:"dueAt"`
	ContentHash           string              `bson:"contentHash"`
	Version               int64               `bson:"version"`
	CreatedAt             time.Time           `bson:"createdAt"`
	UpdatedAt             time.Time           `bson:"updatedAt"`
	CreatedDay            string              `bson:"createdDay"`
	CreatedMonth          string              `bson:"createdMonth"`
	WithdrawReason        string              `bson:"withdrawReason,omitempty"`
	Round                 int                 `bson:"round,omitempty"`
	AppealOf              string              `bson:"appealOf,omitempty"`
	AppealID              string              `bson:"appealId,omitempty"`
	Complex               bool                `bson:"complex,omitempty"`
	Extensions            []extensionDoc      `bson:"extensions,omitempty"`
	Proposal              *proposalDoc        `bson:"proposal,omitempty"`
	OverdueFlagged        bool                `bson:"overdueFlagged"`
	NearNotified          bool                `bson:"nearNotified"`
	Outcome               *outcomeDoc         `bson:"outcome,omitempty"`
	Rating                *ratingDoc          `bson:"rating,omitempty"`
	Recommendations       []recommendationDoc `bson:"recommendations,omitempty"`
	Attachments           []attachmentDoc     `bson:"attachments"`
	Messages              []messageDoc        `bson:"messages"`
	// PlaceKeys are services.PlaceKeys of the office and officials: the
	// related reports' query (relatedCasesQuery). Missing on reports
	// stored before them until PlaceKeysMigration runs.
	PlaceKeys []string   `bson:"placeKeys,omitempty"`
	Timeline  []eventDoc `bson:"timeline"`
}

func toCaseDoc(c *services.Case) (caseDoc, error) {
	oid, err := objectID(c.ID)
	if err != nil {
		return caseDoc{}, services.Errorf(services.ReasonInternal, "Invalid report id.")
	}
	d := caseDoc{
		ID: oid, TrackingCode: c.TrackingCode, ReceiptHash: c.ReceiptHash, ReceiptVersion: c.ReceiptVersion, Kind: string(c.Kind),
		AnonymousDenunciation: c.AnonymousDenunciation, Category: c.Category, Title: c.Title,
		Description: c.Description, IncidentDate: c.IncidentDate, AreaCode: c.AreaCode, Place: c.Place,
		Office: c.Office, Counter: c.Counter, Procedure: c.Procedure, DossierNumber: c.DossierNumber,
		Officials: c.Officials, PlaceKeys: services.PlaceKeys(c.Office, c.Officials), Language: c.Language, Anonymous: c.Anonymous, HasIdentity: c.HasIdentity,
		Channel: c.Channel, FiledBy: c.FiledBy,
		Status: string(c.Status), StatusRank: services.StatusRank(c.Status), UnitID: c.UnitID, FrontUnitID: c.FrontUnitID, AssigneeID: c.AssigneeID, DueAt: c.DueAt, ContentHash: c.ContentHash, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, CreatedDay: c.CreatedDay, CreatedMonth: c.CreatedMonth,
		WithdrawReason: c.WithdrawReason, Round: c.Round, AppealOf: c.AppealOf, AppealID: c.AppealID, Complex: c.Complex,
		OverdueFlagged: c.OverdueFlagged, NearNotified: c.NearNotified,
		Timeline:    make([]eventDoc, 0, len(c.Timeline)),
		Attachments: make([]attachmentDoc, 0, len(c.Attachments)),
		Messages:    make([]messageDoc, 0, len(c.Messages)),
	}
	for _, e := range c.Timeline {
		d.Timeline = append(d.Timeline, toEventDoc(e))
	}
	d.Extensions = toExtensionDocs(c.Extensions)
	if c.Proposal != nil {
		p := proposalDoc(*c.Proposal)
		d.Proposal = &p
	}
	if c.Outcome != nil {
		o := outcomeDoc(*c.Outcome)
		d.Outcome = &o
	}
	for _, a := range c.Attachments {
		d.Attachments = append(d.Attachments, toAttachmentDoc(a))
	}
	for _, m := range c.Messages {
		d.Messages = append(d.Messages, toMessageDoc(m))
	}
	return d, nil
}

func (d caseDoc) toCase() services.Case {
	c := services.Case{
		ID: d.ID.Hex(), TrackingCode: d.TrackingCode, ReceiptHash: d.ReceiptHash, ReceiptVersion: d.ReceiptVersion, Kind: services.Kind(d.Kind),
		AnonymousDenunciation: d.AnonymousDenunciation, Category: d.Category, Title: d.Title,
		Description: d.Description, IncidentDate: d.IncidentDate, AreaCode: d.AreaCode, Place: d.Place,
		Office: d.Office, Counter: d.Counter, Procedure: d.Procedure, DossierNumber: d.DossierNumber,
		Officials: d.Officials, Language: d.Language, Anonymous: d.Anonymous, HasIdentity: d.HasIdentity,
		Channel: d.Channel, FiledBy: d.FiledBy,
		Status: services.Status(d.Status), UnitID: d.UnitID, FrontUnitID: d.FrontUnitID, AssigneeID: d.AssigneeID, DueAt: d.DueAt.UTC(), ContentHash: d.ContentHash, Version: d.Version,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), CreatedDay: d.CreatedDay, CreatedMonth: d.CreatedMonth,
	}
	c.WithdrawReason = d.WithdrawReason
	c.Round, c.AppealOf, c.AppealID, c.Complex = d.Round, d.AppealOf, d.AppealID, d.Complex
	c.OverdueFlagged, c.NearNotified = d.OverdueFlagged, d.NearNotified
	for _, e := range d.Extensions {
		e.RequestedAt, e.DecidedAt = e.RequestedAt.UTC(), e.DecidedAt.UTC()
		c.Extensions = append(c.Extensions, services.CaseExtension(e))
	}
	if d.Proposal != nil {
		p := services.Proposal(*d.Proposal)
		p.ProposedAt = p.ProposedAt.UTC()
		c.Proposal = &p
	}
	for _, r := range d.Recommendations {
		r.CreatedAt, r.AnsweredAt = r.CreatedAt.UTC(), r.AnsweredAt.UTC()
		c.Recommendations = append(c.Recommendations, services.Recommendation(r))
	}
	if d.Rating != nil {
		r := services.Rating(*d.Rating)
		r.At = r.At.UTC()
		c.Rating = &r
	}
	if d.Outcome != nil {
		o := services.Outcome(*d.Outcome)
		o.ConcludedAt, o.PublishedAt = o.ConcludedAt.UTC(), o.PublishedAt.UTC()
		c.Outcome = &o
	}
	for _, e := range d.Timeline {
		c.Timeline = append(c.Timeline, services.Event{Type: services.EventType(e.Type), At: e.At.UTC(), Actor: e.Actor,
			Status: services.Status(e.Status), Public: e.Public, Note: e.Note, Ref: e.Ref})
	}
	for _, a := range d.Attachments {
		a.UploadedAt = a.UploadedAt.UTC()
		c.Attachments = append(c.Attachments, services.Attachment(a))
	}
	for _, m := range d.Messages {
		m.At = m.At.UTC()
		c.Messages = append(c.Messages, services.Message(m))
	}
	return c
}

// InsertCase stores a new report in one write.
//
// The tracking code is first claimed in the trackingCodes collection, keyed
// by _id: that makes codes unique, and lets tracking look a report up by
// _id, which the embedded server answers without scanning every report.
// A claim whose report insert fails is removed again.
func (s *Store) InsertCase(ctx context.Context, c *services.Case) error {
	d, err := toCaseDoc(c)
	if err != nil {
		return err
	}
	codes := s.db.Collection(colTrackingCodes)
	if _, err := codes.InsertOne(ctx, trackingCodeDoc{Code: c.TrackingCode, CaseID: d.ID}); err != nil {
		return translate(err, "tracking code")
	}
	if err = s.insertCaseDoc(ctx, &d); err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = codes.DeleteOne(cctx, bson.D{{Key: "_id", Value: c.TrackingCode}})
		return translate(err, "report")
	}
	return nil
}

type trackingCodeDoc struct {
	Code   string        `bson:"_id"`
	CaseID bson.ObjectID `bson:"caseId"`
}

// FindCaseByID returns the report with id.
func (s *Store) FindCaseByID(ctx context.Context, id string) (services.Case, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.Case{}, err
	}
	return s.findCase(ctx, caseByIDFilter(oid))
}

// FindCaseByTrackingCode returns the report with the given tracking code.
func (s *Store) FindCaseByTrackingCode(ctx context.Context, code string) (services.Case, error) {
	var t trackingCodeDoc
	err := s.db.Collection(colTrackingCodes).FindOne(ctx, trackingCodeFilter(code)).Decode(&t)
	if err == nil {
		return s.findCase(ctx, caseByIDFilter(t.CaseID))
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return services.Case{}, translate(err, "report")
	}
	// Reports stored before the code collection existed.
	return s.findCase(ctx, legacyTrackingCodeFilter(code))
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

// UpdateCase applies change atomically: one conditional update on the
// report's id and version (and status, for transitions).
func (s *Store) UpdateCase(ctx context.Context, id string, version int64, ch services.CaseChange) (services.Case, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.Case{}, err
	}
	filter := bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: version}}
	if len(ch.FromStatus) > 0 {
		from := make(bson.A, len(ch.FromStatus))
		for i, st := range ch.FromStatus {
			from[i] = string(st)
		}
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: from}}})
	}
	set := bson.D{{Key: "updatedAt", Value: ch.At}}
	if ch.Status != "" {
		set = append(set, bson.E{Key: "status", Value: string(ch.Status)}, bson.E{Key: "statusRank", Value: services.StatusRank(ch.Status)})
	}
	if ch.WithdrawReason != "" {
		set = append(set, bson.E{Key: "withdrawReason", Value: ch.WithdrawReason})
	}
	if r := ch.Receipt; r != nil {
		set = append(set, bson.E{Key: "receiptHash", Value: r.Hash}, bson.E{Key: "receiptVersion", Value: r.Version})
	}
	if ch.Outcome != nil {
		set = append(set, bson.E{Key: "outcome", Value: outcomeDoc(*ch.Outcome)})
	}
	if ch.DueAt != nil {
		set = append(set, bson.E{Key: "dueAt", Value: *ch.DueAt})
	}
	if ch.Rating != nil {
		set = append(set, bson.E{Key: "rating", Value: ratingDoc(*ch.Rating)})
	}
	for k, v := range map[string]*string{"unitId": ch.UnitID, "frontUnitId": ch.FrontUnitID, "assigneeId": ch.AssigneeID, "appealId": ch.AppealID} {
		if v != nil {
			set = append(set, bson.E{Key: k, Value: *v})
		}
	}
	for k, v := range map[string]*bool{"complex": ch.Complex, "overdueFlagged": ch.OverdueFlagged, "nearNotified": ch.NearNotified} {
		if v != nil {
			set = append(set, bson.E{Key: k, Value: *v})
		}
	}
	if ch.Proposal != nil {
		set = append(set, bson.E{Key: "proposal", Value: proposalDoc(*ch.Proposal)})
	} else if ch.ClearProposal {
		set = append(set, bson.E{Key: "proposal", Value: nil})
	}
	if ch.Extensions != nil {
		set = append(set, bson.E{Key: "extensions", Value: toExtensionDocs(ch.Extensions)})
	}
	push := bson.D{}
	if ch.ReplaceRecommendations != nil {
		docs := make(bson.A, len(ch.ReplaceRecommendations))
		for i, r := range ch.ReplaceRecommendations {
			docs[i] = recommendationDoc(r)
		}
		set = append(set, bson.E{Key: "recommendations", Value: docs})
	}
	if len(ch.Recommendations) > 0 {
		docs := make(bson.A, len(ch.Recommendations))
		for i, r := range ch.Recommendations {
			docs[i] = recommendationDoc(r)
		}
		push = append(push, bson.E{Key: "recommendations", Value: bson.D{{Key: "$each", Value: docs}}})
	}
	if len(ch.Attachments) > 0 {
		docs := make(bson.A, len(ch.Attachments))
		for i, a := range ch.Attachments {
			docs[i] = toAttachmentDoc(a)
		}
		push = append(push, bson.E{Key: "attachments", Value: bson.D{{Key: "$each", Value: docs}}})
	}
	if len(ch.Messages) > 0 {
		docs := make(bson.A, len(ch.Messages))
		for i, m := range ch.Messages {
			docs[i] = toMessageDoc(m)
		}
		push = append(push, bson.E{Key: "messages", Value: bson.D{{Key: "$each", Value: docs}}})
	}
	if len(ch.Events) > 0 {
		docs := make(bson.A, len(ch.Events))
		for i, e := range ch.Events {
			docs[i] = toEventDoc(e)
		}
		push = append(push, bson.E{Key: "timeline", Value: bson.D{{Key: "$each", Value: docs}}})
	}
	update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
	if len(push) > 0 {
		update = append(update, bson.E{Key: "$push", Value: push})
	}
	matched, doc, err := s.updateCaseDoc(ctx, oid, filter, update, true)
	if err != nil {
		return services.Case{}, translate(err, "report")
	}
	if !matched {
		if _, err := s.FindCaseByID(ctx, id); err != nil {
			return services.Case{}, err
		}
		return services.Case{}, services.Errorf(services.ReasonChangedElsewhere, "The report was changed by someone else; please reload it.")
	}
	return doc.toCase(), nil
}
