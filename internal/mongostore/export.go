package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// BulkInsertCases stores many reports at once (imports, benchmarks), with
// their tracking codes, in two unordered bulk writes.
func (s *Store) BulkInsertCases(ctx context.Context, cases []services.Case) error {
	docs, codes := make([]caseDoc, len(cases)), make([]any, len(cases))
	for i := range cases {
		d, err := toCaseDoc(&cases[i])
		if err != nil {
			return err
		}
		docs[i], codes[i] = d, trackingCodeDoc{Code: cases[i].TrackingCode, CaseID: d.ID}
	}
	if _, err := s.db.Collection(colTrackingCodes).InsertMany(ctx, codes, options.InsertMany().SetOrdered(false)); err != nil {
		return translate(err, "tracking code")
	}
	return translate(s.insertCaseDocs(ctx, docs), "report")
}
