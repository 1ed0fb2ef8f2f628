package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRoutesOnlyInRoutesGo keeps every route in handlers/routes.go: no other
// file of the package registers a route or a route group, so that one file
// shows the whole API and the middleware each route runs behind.
func TestRoutesOnlyInRoutesGo(t *testing.T) {
	register := regexp.MustCompile(`\.(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Handle|Group|NoRoute|NoMethod)\(`)
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "routes.go" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if register.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d registers a route outside routes.go: %s", name, i+1, strings.TrimSpace(line))
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d files checked", checked)
	}
}

// TestHandlersCallOneServiceMethod keeps handlers thin: a handler parses
// the request, calls one method of one service with the actor, and maps
// the answer. A second call would be a decision the HTTP layer takes that
// belongs to the services (docs/architecture.md, "How a request flows").
func TestHandlersCallOneServiceMethod(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	handlers := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !isHandler(fd) {
				continue
			}
			handlers++
			if calls := serviceCalls(fd); len(calls) > 1 {
				t.Errorf("%s calls %d service methods: %v", fd.Name.Name, len(calls), calls)
			}
		}
	}
	if handlers < 40 {
		t.Fatalf("only %d handlers found", handlers)
	}
}

// isHandler reports whether fd is a method taking only a *gin.Context.
func isHandler(fd *ast.FuncDecl) bool {
	if fd.Recv == nil || fd.Body == nil || fd.Type.Params.NumFields() != 1 {
		return false
	}
	p, ok := fd.Type.Params.List[0].Type.(*ast.StarExpr)
	return ok && exprName(p.X) == "gin.Context"
}

// serviceCalls lists the calls fd makes of the form s.<service>.<Method>(…).
func serviceCalls(fd *ast.FuncDecl) []string {
	services := map[string]bool{"catalog": true, "intake": true, "tracking": true, "staff": true, "queue": true,
		"custody": true, "org": true, "workflow": true, "downloads": true, "outcomes": true}
	var calls []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && exprName(inner.X) == "s" && services[inner.Sel.Name] {
				calls = append(calls, inner.Sel.Name+"."+sel.Sel.Name)
			}
		}
		return true
	})
	return calls
}

// exprName names an expression of the form x or x.Y.
func exprName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return exprName(v.X) + "." + v.Sel.Name
	}
	return ""
}
