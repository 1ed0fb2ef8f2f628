package mongostore

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// QueryShapes describes each query a command sends by what decides how a
// server serves it: the collection, the filter's fields and operators (its
// values left out) and the sort. An update or delete yields one shape per
// statement; an aggregate its pipeline; a command that selects nothing by a
// filter (insert, getMore, hello…) none. A find and an update with the same
// filter have the same shape: an index serves both alike.
//
// TestQueriesUseIndexes explains a list of queries on MongoDB, and the
// shapes of that list are kept in testdata/explained-queries.txt; tests
// that record what an operation sends (handlers' TestPerReportQueriesExplained)
// check that each of its shapes is in that file (docs/storage.md).
func QueryShapes(commandName string, cmd bson.Raw) []string {
	coll, _ := cmd.Lookup(commandName).StringValueOK()
	shape := func(d bson.Raw, filterKey string) string {
		s := coll + " filter=" + filterShape(d.Lookup(filterKey))
		if so, ok := d.Lookup("sort").DocumentOK(); ok {
			s += " sort=" + sortShape(so)
		}
		return s
	}
	switch commandName {
	case "find":
		return []string{shape(cmd, "filter")}
	case "count", "findAndModify":
		return []string{shape(cmd, "query")}
	case "aggregate":
		return []string{coll + " pipeline=" + filterShape(cmd.Lookup("pipeline"))}
	case "update", "delete":
		arr, ok := cmd.Lookup(map[string]string{"update": "updates", "delete": "deletes"}[commandName]).ArrayOK()
		if !ok {
			return nil
		}
		vals, _ := arr.Values()
		var out []string
		for _, v := range vals {
			if d, ok := v.DocumentOK(); ok {
				out = append(out, coll+" filter="+filterShape(d.Lookup("q")))
			}
		}
		return out
	}
	return nil
}

// filterShape writes v with every value left out: documents keep their keys
// (in order), arrays of documents their elements, other values become "?".
func filterShape(v bson.RawValue) string {
	switch v.Type {
	case bson.TypeEmbeddedDocument:
		els, _ := v.Document().Elements()
		parts := make([]string, len(els))
		for i, e := range els {
			parts[i] = e.Key() + ":" + filterShape(e.Value())
		}
		return "{" + strings.Join(parts, ",") + "}"
	case bson.TypeArray:
		vals, _ := v.Array().Values()
		if len(vals) > 0 && vals[0].Type == bson.TypeEmbeddedDocument {
			parts := make([]string, len(vals))
			for i, x := range vals {
				parts[i] = filterShape(x)
			}
			return "[" + strings.Join(parts, ",") + "]"
		}
		return "[?]"
	case 0:
		return "{}" // no filter: every document
	}
	return "?"
}

// sortShape writes a sort's keys and directions.
func sortShape(d bson.Raw) string {
	els, _ := d.Elements()
	parts := make([]string, len(els))
	for i, e := range els {
		dir := "1"
		if n, ok := e.Value().AsInt64OK(); ok && n < 0 {
			dir = "-1"
		}
		parts[i] = e.Key() + ":" + dir
	}
	return "{" + strings.Join(parts, ",") + "}"
}
