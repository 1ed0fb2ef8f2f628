// Copyright 2021 FerretDB Inc.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// prepareSelectClause returns SELECT clause for default column of provided table name.
//
// For capped collection with onlyRecordIDs, it returns select clause for recordID column.
//
// For capped collection, it returns select clause for recordID column and default column.
func prepareSelectClause(table, comment string, capped, onlyRecordIDs bool) string {
	if comment != "" {
		comment = strings.ReplaceAll(comment, "/*", "/ *")
		comment = strings.ReplaceAll(comment, "*/", "* /")
		comment = `/* ` + comment + ` */`
	}

	if capped && onlyRecordIDs {
		return fmt.Sprintf(`SELECT %s %s FROM %q`, comment, metadata.RecordIDColumn, table)
	}

	if capped {
		return fmt.Sprintf(`SELECT %s %s, %s FROM %q`, comment, metadata.RecordIDColumn, metadata.DefaultColumn, table)
	}

	return fmt.Sprintf(`SELECT %s %s FROM %q`, comment, metadata.DefaultColumn, table)
}

// prepareOrderByClause returns ORDER BY clause for given sort document.
//
// The provided sort document should be already validated.
// Provided document should only contain a single value.
func prepareOrderByClause(sort *types.Document) string {
	if sort.Len() != 1 {
		return ""
	}

	v := must.NotFail(sort.Get("$natural"))
	var order string

	switch v.(int64) {
	case 1:
		// Ascending order
	case -1:
		order = " DESC"
	default:
		panic("not reachable")
	}

	return fmt.Sprintf(" ORDER BY %s%s", metadata.RecordIDColumn, order)
}

// maxPushdownIDs is the largest number of `_id` values pushed down as one `IN` list (PATCHES.md, patch 2).
const maxPushdownIDs = 1000

// prepareIDWhereClause returns the WHERE clause and its arguments for the `_id` condition of the filter
// that the unique _id index answers, or an empty clause when the filter has none (PATCHES.md, patch 2):
// a top-level `_id` equal to a string or ObjectID (`{_id: v}` or `{_id: {$eq: v}}`),
// or in a list of strings and ObjectIDs (`{_id: {$in: [v1, v2]}}`), whatever other keys the filter has.
//
// The handler applies the whole filter again to every document the query returns,
// so the clause only has to keep every document that matches the filter; it may keep more.
// Top-level keys of a filter are all required, so the `_id` condition alone keeps every match.
//
// exact reports whether the clause selects exactly the documents that match the filter:
// only then may a LIMIT be applied in SQL as well.
func prepareIDWhereClause(filter *types.Document) (where string, args []any, exact bool) {
	v, ok := onlyValue(filter, "_id")
	if !ok {
		return "", nil, false
	}

	var ids []any

	switch v := v.(type) {
	case string, types.ObjectID:
		ids = []any{v}
		exact = filter.Len() == 1

	case *types.Document:
		ids = operatorIDs(v)
	}

	if len(ids) == 0 {
		return "", nil, false
	}

	args = make([]any, len(ids))
	for i, id := range ids {
		args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
	}

	if len(args) == 1 {
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), args, exact
	}

	placeholders := strings.Repeat(", ?", len(args))[2:]

	return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, placeholders), args, false
}

// operatorIDs returns the `_id` values that the operator document `{$eq: v}` or `{$in: [...]}` allows,
// or nil when it allows others too (other value types, an empty or too long list, a document that is not
// made of operators only). Other operators next to `$eq` or `$in` only narrow the match further.
func operatorIDs(ops *types.Document) []any {
	for _, k := range ops.Keys() {
		if !strings.HasPrefix(k, "$") {
			return nil
		}
	}

	if v, ok := onlyValue(ops, "$eq"); ok {
		switch v.(type) {
		case string, types.ObjectID:
			return []any{v}
		}

		return nil
	}

	v, ok := onlyValue(ops, "$in")
	if !ok {
		return nil
	}

	list, ok := v.(*types.Array)
	if !ok || list.Len() == 0 || list.Len() > maxPushdownIDs {
		return nil
	}

	ids := make([]any, list.Len())

	for i := range ids {
		id := must.NotFail(list.Get(i))

		switch id.(type) {
		case string, types.ObjectID:
			ids[i] = id
		default:
			return nil
		}
	}

	return ids
}

// onlyValue returns the value of the key when the document has it exactly once.
func onlyValue(d *types.Document, key string) (any, bool) {
	var v any
	var n int

	keys := d.Keys()
	for i, k := range keys {
		if k != key {
			continue
		}

		if n++; n == 1 {
			v = d.Values()[i]
		}
	}

	return v, n == 1
}
