package mongostore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"minhbach/services"
)

// TestSearchErrorsDoNotQuoteTheSearch: the error of a queue query that
// carries search text keeps its code (and so its status) but not the
// driver's or the server's message, which may quote the text and is
// logged on a 5xx.
func TestSearchErrorsDoNotQuoteTheSearch(t *testing.T) {
	const marker = "secretmarker"
	for name, cause := range map[string]error{
		"server":  mongo.CommandError{Code: 51091, Name: "Location51091", Message: "Regular expression is invalid: " + marker},
		"driver":  fmt.Errorf("cannot marshal regex %q", marker),
		"timeout": fmt.Errorf("query %s: %w", marker, context.DeadlineExceeded),
		"wrapped": services.Wrap(fmt.Errorf("pattern %s", marker), services.ReasonInternal, "A database error occurred."),
	} {
		err := translateSearch(cause, "report")
		if err == nil || strings.Contains(err.Error(), marker) {
			t.Errorf("%s: %v", name, err)
		}
		want := translate(cause, "report").(*services.Error).Code
		if !services.IsCode(err, want) {
			t.Errorf("%s: %v, want code %s", name, err, want)
		}
	}
	if translateSearch(nil, "report") != nil {
		t.Fatal("no error became an error")
	}
}
