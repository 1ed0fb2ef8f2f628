package handlers

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"

	"minhbach/services"
)

// This file turns the API's request and answer types into JSON Schema
// (2020-12, as OpenAPI 3.1 uses it) by reflection, the way encoding/json
// writes them, so that the document (openapi.go) cannot drift from the
// types the handlers encode. docs/api.md explains the rules.

// schemaSet collects the named types met while describing the API, as
// components.schemas of the document.
type schemaSet struct {
	names map[typeUse]string
	taken map[string]typeUse
	defs  map[string]any
	enums map[reflect.Type][]string
}

type typeUse struct {
	t   reflect.Type
	use schemaUse
}

func newSchemaSet() *schemaSet {
	return &schemaSet{names: map[typeUse]string{}, taken: map[string]typeUse{}, defs: map[string]any{}, enums: enums()}
}

// schemaUse says how a type is used: answers are strict (what encoding/json
// always writes is required), requests list their fields without requiring
// any (the services validate them and answer 400 with the field).
type schemaUse int

const (
	useAnswer schemaUse = iota
	useRequest
)

var timeType = reflect.TypeFor[time.Time]()

// enums are the closed sets of string values of some types.
func enums() map[reflect.Type][]string {
	kinds := make([]string, len(services.Kinds))
	for i, k := range services.Kinds {
		kinds[i] = string(k)
	}
	codes := make([]string, 0, len(statusOf))
	for c := range statusOf {
		codes = append(codes, string(c))
	}
	sort.Strings(codes)
	return map[reflect.Type][]string{
		reflect.TypeFor[services.Kind]():     kinds,
		reflect.TypeFor[services.Code]():     codes,
		reflect.TypeFor[services.UnitType](): {string(services.UnitInspection), string(services.UnitFront)},
		reflect.TypeFor[services.Role](): {string(services.RoleAdmin), string(services.RoleLead),
			string(services.RoleInspector), string(services.RoleMonitor)},
	}
}

// ref describes t for the given use: a $ref to a component for a named
// struct, the schema itself otherwise.
func (s *schemaSet) ref(t reflect.Type, use schemaUse) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || t.Name() == "" || strings.Contains(t.Name(), "[") {
		return s.inline(t, use)
	}
	key := typeUse{t, use}
	name, ok := s.names[key]
	if !ok {
		name = componentName(t, use)
		if other, clash := s.taken[name]; clash && other != key {
			name = exported(pkgName(t)) + name
		}
		s.names[key], s.taken[name] = name, key
		s.defs[name] = nil // placeholder against recursion
		s.defs[name] = s.inline(t, use)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// componentName names t's schema: a type used in requests is named for
// that use, since requests require nothing and answers are strict.
func componentName(t reflect.Type, use schemaUse) string {
	name := exported(strings.TrimSuffix(t.Name(), "DTO"))
	if use == useRequest && !strings.HasSuffix(name, "Request") {
		name += "Input"
	}
	return name
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}

func exported(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// inline is the schema of t itself.
func (s *schemaSet) inline(t reflect.Type, use schemaUse) map[string]any {
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if vals, ok := s.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.ref(t.Elem(), use)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": s.elem(t.Elem(), use)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.elem(t.Elem(), use)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		return s.object(t, use)
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

// elem describes the elements of a slice or map: a pointer one may be null.
func (s *schemaSet) elem(t reflect.Type, use schemaUse) map[string]any {
	if t.Kind() == reflect.Pointer {
		return nullable(s.ref(t, use))
	}
	return s.ref(t, use)
}

// object describes a struct as encoding/json writes it: embedded structs
// flattened, "-" and unexported fields left out, omitempty and omitzero
// fields optional, pointers, slices and maps without them nullable (a nil
// one is written null).
func (s *schemaSet) object(t reflect.Type, use schemaUse) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			p := s.ref(f.Type, use)
			if !optional && use == useAnswer {
				switch f.Type.Kind() {
				case reflect.Pointer, reflect.Slice, reflect.Map:
					if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8 {
						break
					}
					p = nullable(p)
				}
			}
			props[name] = p
			if !optional && use == useAnswer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		out["required"] = required
	}
	return out
}

// nullable allows null besides what p allows.
func nullable(p map[string]any) map[string]any {
	if typ, ok := p["type"].(string); ok && p["enum"] == nil {
		q := make(map[string]any, len(p))
		for k, v := range p {
			q[k] = v
		}
		q["type"] = []string{typ, "null"}
		return q
	}
	return map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
}
