package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryVariable keeps the README's configuration table
// true: every variable the portal reads is listed with its default.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range configVars {
		row := "| `" + v.Name + "` | " + v.Default
		if v.Default == "" {
			row = "| `" + v.Name + "` | |"
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row %q", row)
		}
		name := strings.TrimSuffix(v.Name, "(_FILE)")
		if !strings.Contains(string(src), `"`+name+`"`) {
			t.Errorf("%s is documented but never read", name)
		}
	}
}

// TestREADMEConfigTable prints the table rows (go test -run ConfigTable -v).
func TestREADMEConfigTable(t *testing.T) {
	for _, v := range configVars {
		if v.Default == "" {
			t.Logf("| `%s` | | %s |", v.Name, v.Meaning)
		} else {
			t.Logf("| `%s` | %s | %s |", v.Name, v.Default, v.Meaning)
		}
	}
}
