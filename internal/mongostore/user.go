package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

var (
	_ services.UserStore    = (*Store)(nil)
	_ services.SessionStore = (*Store)(nil)
)

type userDoc struct {
	ID                 bson.ObjectID `bson:"_id"`
	Email              string        `bson:"email"`
	Name               string        `bson:"name"`
	Role               string        `bson:"role"`
	UnitID             string        `bson:"unitId,omitempty"`
	Active             bool          `bson:"active"`
	PasswordHash       string        `bson:"passwordHash"`
	MustChangePassword bool          `bson:"mustChangePassword"`
	TokenVersion       int64         `bson:"tokenVersion"`
	TOTPEnabled        bool          `bson:"totpEnabled"`
	TOTPSealed         []byte        `bson:"totpSealed,omitempty"`
	TOTPLastStep       int64         `bson:"totpLastStep"`
	RecoveryCodes      []string      `bson:"recoveryCodes"`
	CoolingUntil       time.Time     `bson:"coolingUntil,omitempty"`
	CreatedAt          time.Time     `bson:"createdAt"`
	UpdatedAt          time.Time     `bson:"updatedAt"`
}

func (d userDoc) user() services.User {
	return services.User{ID: d.ID.Hex(), Email: d.Email, Name: d.Name, Role: services.Role(d.Role), UnitID: d.UnitID,
		Active: d.Active, PasswordHash: d.PasswordHash, MustChangePassword: d.MustChangePassword, TokenVersion: d.TokenVersion,
		TOTPEnabled: d.TOTPEnabled, TOTPSealed: d.TOTPSealed, TOTPLastStep: d.TOTPLastStep, RecoveryCodes: d.RecoveryCodes,
		CoolingUntil: d.CoolingUntil.UTC(), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

// InsertUser stores a new account; a taken e-mail is a conflict.
func (s *Store) InsertUser(ctx context.Context, u *services.User) error {
	oid := bson.NewObjectID()
	d := userDoc{ID: oid, Email: u.Email, Name: u.Name, Role: string(u.Role), UnitID: u.UnitID, Active: u.Active,
		PasswordHash: u.PasswordHash, MustChangePassword: u.MustChangePassword, TokenVersion: u.TokenVersion,
		RecoveryCodes: []string{}, CoolingUntil: u.CoolingUntil, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if _, err := s.db.Collection(colUsers).InsertOne(ctx, d); err != nil {
		return translate(err, "account")
	}
	u.ID = oid.Hex()
	return nil
}

// FindUserByID returns an account.
func (s *Store) FindUserByID(ctx context.Context, id string) (services.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.User{}, err
	}
	return s.findUser(ctx, bson.D{{Key: "_id", Value: oid}})
}

// FindUserByEmail returns the account with a (lower-case) e-mail.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (services.User, error) {
	return s.findUser(ctx, bson.D{{Key: "email", Value: email}})
}

func (s *Store) findUser(ctx context.Context, filter bson.D) (services.User, error) {
	var d userDoc
	if err := s.db.Collection(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return services.User{}, translate(err, "account")
	}
	return d.user(), nil
}

// ListUsers returns accounts by e-mail.
func (s *Store) ListUsers(ctx context.Context, limit int) ([]services.User, error) {
	cur, err := s.db.Collection(colUsers).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "email", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "account")
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "account")
	}
	out := make([]services.User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}

// UpdateUser applies a partial change in one update.
func (s *Store) UpdateUser(ctx context.Context, id string, ch services.UserChange) (services.User, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.User{}, err
	}
	set := bson.D{{Key: "updatedAt", Value: ch.At}}
	add := func(k string, v any) { set = append(set, bson.E{Key: k, Value: v}) }
	if ch.Name != nil {
		add("name", *ch.Name)
	}
	if ch.Role != nil {
		add("role", string(*ch.Role))
	}
	if ch.UnitID != nil {
		add("unitId", *ch.UnitID)
	}
	if ch.Active != nil {
		add("active", *ch.Active)
	}
	if ch.PasswordHash != nil {
		add("passwordHash", *ch.PasswordHash)
	}
	if ch.MustChangePassword != nil {
		add("mustChangePassword", *ch.MustChangePassword)
	}
	if ch.TOTPEnabled != nil {
		add("totpEnabled", *ch.TOTPEnabled)
	}
	if ch.TOTPSealed != nil {
		add("totpSealed", *ch.TOTPSealed)
	}
	if ch.TOTPLastStep != nil {
		add("totpLastStep", *ch.TOTPLastStep)
	}
	if ch.RecoveryCodes != nil {
		add("recoveryCodes", *ch.RecoveryCodes)
	}
	if ch.CoolingUntil != nil {
		add("coolingUntil", *ch.CoolingUntil)
	}
	update := bson.D{{Key: "$set", Value: set}}
	if ch.BumpTokenVersion {
		update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "tokenVersion", Value: 1}}})
	}
	res, err := s.db.Collection(colUsers).UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}}, update)
	if err != nil {
		return services.User{}, translate(err, "account")
	}
	if res.MatchedCount == 0 {
		return services.User{}, services.Errorf(services.ReasonAccountNotFound, "No such account.")
	}
	return s.FindUserByID(ctx, id)
}

// UseTOTPStep records a used time step if it is newer than the last.
func (s *Store) UseTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	oid, err := objectID(id)
	if err != nil {
		return false, err
	}
	res, err := s.db.Collection(colUsers).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}, {Key: "totpLastStep", Value: bson.D{{Key: "$lt", Value: step}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "totpLastStep", Value: step}}}})
	if err != nil {
		return false, translate(err, "account")
	}
	return res.MatchedCount == 1, nil
}

// UseRecoveryCode removes one unused recovery code.
func (s *Store) UseRecoveryCode(ctx context.Context, id, hash string) (bool, error) {
	oid, err := objectID(id)
	if err != nil {
		return false, err
	}
	res, err := s.db.Collection(colUsers).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}, {Key: "recoveryCodes", Value: hash}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "recoveryCodes", Value: hash}}}})
	if err != nil {
		return false, translate(err, "account")
	}
	return res.ModifiedCount == 1, nil
}

type sessionDoc struct {
	Hash      string    `bson:"_id"`
	Family    string    `bson:"family"`
	UserID    string    `bson:"userId"`
	Used      bool      `bson:"used"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// InsertSession stores a refresh session by its token's hash.
func (s *Store) InsertSession(ctx context.Context, rs services.RefreshSession) error {
	_, err := s.db.Collection(colSessions).InsertOne(ctx, sessionDoc(rs))
	return translate(err, "session")
}

// FindSession returns a refresh session.
func (s *Store) FindSession(ctx context.Context, hash string) (services.RefreshSession, error) {
	var d sessionDoc
	if err := s.db.Collection(colSessions).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return services.RefreshSession{}, translate(err, "session")
	}
	d.CreatedAt, d.ExpiresAt = d.CreatedAt.UTC(), d.ExpiresAt.UTC()
	return services.RefreshSession(d), nil
}

// MarkSessionUsed flips an unused session to used; false when it was used.
func (s *Store) MarkSessionUsed(ctx context.Context, hash string) (bool, error) {
	res, err := s.db.Collection(colSessions).UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
	if err != nil {
		return false, translate(err, "session")
	}
	return res.MatchedCount == 1, nil
}

type signInDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// InsertSignIn stores a new sign-in.
func (s *Store) InsertSignIn(ctx context.Context, si services.SignIn) error {
	_, err := s.db.Collection(colSignIns).InsertOne(ctx, signInDoc(si))
	return translate(err, "sign-in")
}

// FindSignIn returns a live or expired sign-in; not_found once it ended.
func (s *Store) FindSignIn(ctx context.Context, id string) (services.SignIn, error) {
	var d signInDoc
	if err := s.db.Collection(colSignIns).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return services.SignIn{}, translate(err, "sign-in")
	}
	d.CreatedAt, d.ExpiresAt = d.CreatedAt.UTC(), d.ExpiresAt.UTC()
	return services.SignIn(d), nil
}

// ExtendSignIn sets a sign-in's expiry; false when it has ended.
func (s *Store) ExtendSignIn(ctx context.Context, id string, expires time.Time) (bool, error) {
	res, err := s.db.Collection(colSignIns).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: expires}}}})
	if err != nil {
		return false, translate(err, "sign-in")
	}
	return res.MatchedCount == 1, nil
}

// DeleteFamily ends one sign-in: the sign-in first, which refuses its
// access tokens at once, then its refresh tokens.
func (s *Store) DeleteFamily(ctx context.Context, family string) error {
	if _, err := s.db.Collection(colSignIns).DeleteOne(ctx, bson.D{{Key: "_id", Value: family}}); err != nil {
		return translate(err, "sign-in")
	}
	_, err := s.db.Collection(colSessions).DeleteMany(ctx, bson.D{{Key: "family", Value: family}})
	return translate(err, "session")
}

// DeleteUserSessions ends every sign-in of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := s.db.Collection(colSignIns).DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}}); err != nil {
		return translate(err, "sign-in")
	}
	_, err := s.db.Collection(colSessions).DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	return translate(err, "session")
}

// DeleteExpiredSessions removes sign-ins and refresh sessions past their
// expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	expired := bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}}
	signIns, err := s.db.Collection(colSignIns).DeleteMany(ctx, expired)
	if err != nil {
		return 0, translate(err, "sign-in")
	}
	res, err := s.db.Collection(colSessions).DeleteMany(ctx, expired)
	if err != nil {
		return 0, translate(err, "session")
	}
	return signIns.DeletedCount + res.DeletedCount, nil
}
