package handlers

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"minhbach/services"
)

type schemaInner struct {
	A string `json:"a"`
}

type schemaSample struct {
	schemaInner
	Name     string            `json:"name"`
	Note     string            `json:"note,omitempty"`
	At       time.Time         `json:"at"`
	Until    time.Time         `json:"until,omitzero"`
	Due      *time.Time        `json:"due"`
	List     []string          `json:"list"`
	Map      map[string]*int64 `json:"map"`
	Kind     services.Kind     `json:"kind"`
	Skipped  string            `json:"-"`
	hidden   string
	Untagged int
}

// TestSchemaFollowsEncodingJSON checks the reflection rules docs/api.md
// states, on a type with each case.
func TestSchemaFollowsEncodingJSON(t *testing.T) {
	_ = schemaSample{hidden: "never written by encoding/json"}.hidden
	set := newSchemaSet()
	ref := set.ref(reflect.TypeFor[schemaSample](), useAnswer)
	if ref["$ref"] != "#/components/schemas/SchemaSample" {
		t.Fatalf("ref %v", ref)
	}
	b, _ := json.Marshal(set.defs["SchemaSample"])
	var got struct {
		Properties           map[string]map[string]any
		Required             []string
		AdditionalProperties bool
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"Untagged", "a", "at", "due", "kind", "list", "map", "name"}
	if !reflect.DeepEqual(got.Required, want) {
		t.Errorf("required %v, want %v", got.Required, want)
	}
	if got.AdditionalProperties {
		t.Error("answers must be strict")
	}
	for _, absent := range []string{"Skipped", "hidden", "-", "schemaInner"} {
		if _, ok := got.Properties[absent]; ok {
			t.Errorf("%s is described", absent)
		}
	}
	check := func(name, want string) {
		t.Helper()
		b, _ := json.Marshal(got.Properties[name])
		if string(b) != want {
			t.Errorf("%s: %s, want %s", name, b, want)
		}
	}
	check("at", `{"format":"date-time","type":"string"}`)
	check("due", `{"format":"date-time","type":["string","null"]}`)
	check("list", `{"items":{"type":"string"},"type":["array","null"]}`)
	check("map", `{"additionalProperties":{"type":["integer","null"]},"type":["object","null"]}`)
	check("kind", `{"enum":["feedback","complaint","denunciation"],"type":"string"}`)
	check("Untagged", `{"type":"integer"}`)

	// As a request: the same fields, none required, strict, its own component.
	in := set.ref(reflect.TypeFor[schemaSample](), useRequest)
	if in["$ref"] != "#/components/schemas/SchemaSampleInput" {
		t.Fatalf("request ref %v", in)
	}
	if req := set.defs["SchemaSampleInput"].(map[string]any); req["required"] != nil || req["additionalProperties"] != false {
		t.Errorf("request schema %v", req)
	}
}
