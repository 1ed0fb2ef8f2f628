package services

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Regenerate frontend/src/locales/apiReasons.json with
//
//	go test ./services -run TestAPIReasonsListIsCurrent -update
var update = flag.Bool("update", false, "rewrite frontend/src/locales/apiReasons.json")

const apiReasonsFile = "../frontend/src/locales/apiReasons.json"

// constsOfType returns name → value of the string constants of type typ
// declared in the non-test files of dir (package-level only).
func constsOfType(t *testing.T, dir, typ string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range parseDir(t, dir) {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				id, ok := vs.Type.(*ast.Ident)
				if !ok || id.Name != typ || len(vs.Values) != len(vs.Names) {
					continue
				}
				for i, n := range vs.Names {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out[n.Name] = v
					}
				}
			}
		}
	}
	return out
}

func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	fs := token.NewFileSet()
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fs, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestEveryReasonHasOneCode: every Reason constant of reasons.go is in
// reasonCodes, and its name is stable snake_case, used once.
func TestEveryReasonHasOneCode(t *testing.T) {
	reasons := constsOfType(t, ".", "Reason")
	if len(reasons) < 50 {
		t.Fatalf("found %d reasons; the parse of reasons.go went wrong", len(reasons))
	}
	seen := map[string]string{}
	for name, v := range reasons {
		if !snakeCase.MatchString(v) {
			t.Errorf("%s = %q: a reason is snake_case", name, v)
		}
		if other, dup := seen[v]; dup {
			t.Errorf("%s and %s are both %q", name, other, v)
		}
		seen[v] = name
		if _, ok := reasonCodes[Reason(v)]; !ok {
			t.Errorf("%s (%q) has no Code in reasonCodes", name, v)
		}
	}
	for r := range reasonCodes {
		if _, ok := seen[string(r)]; !ok {
			t.Errorf("reasonCodes names %q, which is not a Reason constant", r)
		}
	}
}

// errorLiteral is one &Error{...} (or services.Error{...}) written in the code.
type errorLiteral struct {
	pos          string
	code, reason ast.Expr
	fields       ast.Expr
}

// errorLiterals finds the composite literals of services.Error in the
// non-test files of the packages that make errors.
func errorLiterals(t *testing.T) []errorLiteral {
	t.Helper()
	dirs := []string{".", "../handlers"}
	for _, pattern := range []string{"../internal/*", "../cmd/*"} {
		more, _ := filepath.Glob(pattern)
		dirs = append(dirs, more...)
	}
	var out []errorLiteral
	fs := token.NewFileSet()
	for _, dir := range dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fs, n, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			inServices := f.Name.Name == "services"
			ast.Inspect(f, func(node ast.Node) bool {
				cl, ok := node.(*ast.CompositeLit)
				if !ok {
					return true
				}
				isError := false
				switch ty := cl.Type.(type) {
				case *ast.Ident:
					isError = inServices && ty.Name == "Error"
				case *ast.SelectorExpr:
					x, ok := ty.X.(*ast.Ident)
					isError = ok && x.Name == "services" && ty.Sel.Name == "Error"
				}
				if !isError || len(cl.Elts) == 0 {
					return true
				}
				lit := errorLiteral{pos: fs.Position(cl.Pos()).String()}
				for _, e := range cl.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch kv.Key.(*ast.Ident).Name {
					case "Code":
						lit.code = kv.Value
					case "Reason":
						lit.reason = kv.Value
					case "Fields":
						lit.fields = kv.Value
					}
				}
				out = append(out, lit)
				return true
			})
		}
	}
	return out
}

// constName is the name of constant expression e (X or services.X), or "".
func constName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		if x, ok := v.X.(*ast.Ident); ok && x.Name == "services" {
			return v.Sel.Name
		}
	}
	return ""
}

// TestEveryErrorLiteralNamesAReason: Errorf and Wrap take a Reason (a call
// written with a Code does not compile); an Error written as a literal must
// name its Reason too, and a constant reason must agree with the
// literal's constant code.
func TestEveryErrorLiteralNamesAReason(t *testing.T) {
	reasons := constsOfType(t, ".", "Reason")
	codes := constsOfType(t, ".", "Code")
	lits := errorLiterals(t)
	if len(lits) < 10 {
		t.Fatalf("found %d Error literals; the scan went wrong", len(lits))
	}
	for _, l := range lits {
		if l.reason == nil {
			t.Errorf("%s: this services.Error names no Reason: add one of services/reasons.go (Reason: services.ReasonX), or a new reason with its code and its texts in the web app's locales", l.pos)
			continue
		}
		rv, rok := reasons[constName(l.reason)]
		cv, cok := codes[constName(l.code)]
		if rok && cok && reasonCodes[Reason(rv)] != Code(cv) {
			t.Errorf("%s: reason %q has code %q (reasons.go), but the literal says %q", l.pos, rv, reasonCodes[Reason(rv)], cv)
		}
	}
}

// fieldCodes are the codes the API can put in error.fields: the Field*
// constants, the password problems, and the literal codes written in
// Error literals' Fields.
func fieldCodes(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	for _, f := range parseDir(t, ".") {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) || !(strings.HasPrefix(n.Name, "Field") || strings.HasPrefix(n.Name, "password")) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						set[v] = true
					}
				}
			}
		}
	}
	for _, l := range errorLiterals(t) {
		m, ok := l.fields.(*ast.CompositeLit)
		if !ok {
			continue
		}
		for _, e := range m.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					set[v] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// apiReasons is the list the web app's tests read
// (frontend/src/errors.spec.ts): every code, reason and field code the API
// can send, each of which needs a Vietnamese and an English text.
type apiReasons struct {
	Comment string   `json:"_comment"`
	Codes   []string `json:"codes"`
	Reasons []string `json:"reasons"`
	Fields  []string `json:"fields"`
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// TestAPIReasonsListIsCurrent keeps frontend/src/locales/apiReasons.json
// equal to what the API can send.
func TestAPIReasonsListIsCurrent(t *testing.T) {
	want := apiReasons{
		Comment: "Generated by go test ./services -run TestAPIReasonsListIsCurrent -update (services/reasons_test.go); do not edit.",
		Codes:   sortedValues(constsOfType(t, ".", "Code")),
		Reasons: sortedValues(constsOfType(t, ".", "Reason")),
		Fields:  fieldCodes(t),
	}
	b, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(apiReasonsFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(apiReasonsFile)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("%s is not the current list of the API's error codes, reasons and field codes (%v); regenerate it with\n\tgo test ./services -run TestAPIReasonsListIsCurrent -update\nthen give every new entry a text in frontend/src/locales/vi.ts and en.ts", apiReasonsFile, err)
	}
}
