package mongostore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// caseReads are the collection methods that only read.
var caseReads = map[string]bool{"Find": true, "FindOne": true, "CountDocuments": true, "Aggregate": true,
	"Distinct": true, "EstimatedDocumentCount": true, "Indexes": true, "Name": true}

// TestReportWritesGoThroughCaseWrite reads the package's source: outside
// casewrite.go, every use of the reports collection calls a read method on
// it directly (no write, and no handle kept in a variable that could write
// later), and the collection's name appears nowhere but in its constant. A
// new write path that bypassed casewrite.go would leave the queue index
// stale (docs/storage.md, "The queue index"); this test fails first.
func TestReportWritesGoThroughCaseWrite(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	uses, reads := 0, 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "casewrite.go" {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		isCases := func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return false
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Collection" {
				return false
			}
			id, ok := call.Args[0].(*ast.Ident)
			return ok && id.Name == "colCases"
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if isCases(n) {
					uses++
				}
			case *ast.SelectorExpr:
				if isCases(n.X) {
					if caseReads[n.Sel.Name] {
						reads++
					} else {
						t.Errorf("%s: %s on the reports collection outside casewrite.go", fset.Position(n.Pos()), n.Sel.Name)
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING && n.Value == `"cases"` {
					if p := fset.Position(n.Pos()); !(name == "indexes.go" && strings.Contains(string(src), `colCases       = "cases"`)) {
						t.Errorf("%s: the reports collection named outside its constant", p)
					}
				}
			}
			return true
		})
	}
	if uses == 0 || uses != reads {
		t.Errorf("%d uses of the reports collection outside casewrite.go, %d of them direct reads: every other use may write", uses, reads)
	}
}
