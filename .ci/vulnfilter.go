//go:build ignore

// vulnfilter reads govulncheck's JSON output (-format json) on stdin, lists
// every vulnerability the code calls (a finding whose trace starts at a
// function) with one example path, and exits 1 when one of them is not
// explained in the accepted file (lines "GO-YYYY-NNNN why", # comments).
// It is run by .ci/vulncheck.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

func main() {
	acceptedPath := flag.String("accepted", "", "file of accepted findings")
	flag.Parse()
	accepted := map[string]string{}
	if *acceptedPath != "" {
		b, err := os.ReadFile(*acceptedPath)
		if err != nil && !os.IsNotExist(err) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			id, why, _ := strings.Cut(line, " ")
			accepted[id] = strings.TrimSpace(why)
		}
	}
	summaries := map[string]string{}
	type called struct{ module, version, fixed, path string }
	found := map[string]called{}
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	for {
		var m message
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "govulncheck output:", err)
			os.Exit(2)
		}
		if m.OSV != nil {
			summaries[m.OSV.ID] = m.OSV.Summary
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // a vulnerable module or package the code does not call into
		}
		if _, ok := found[f.OSV]; ok {
			continue
		}
		var hops []string
		for i := len(f.Trace) - 1; i >= 0; i-- {
			t := f.Trace[i]
			name := t.Function
			if t.Receiver != "" {
				name = strings.TrimPrefix(t.Receiver, "*") + "." + name
			}
			hops = append(hops, t.Package+"."+name)
		}
		found[f.OSV] = called{f.Trace[0].Module, f.Trace[0].Version, f.FixedVersion, strings.Join(hops, " → ")}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	bad := 0
	for _, id := range ids {
		c := found[id]
		state := "NOT EXPLAINED"
		if why, ok := accepted[id]; ok {
			state = "explained: " + why
		} else {
			bad++
		}
		fmt.Printf("%s %s@%s (fixed in %s): %s\n  called via %s\n  %s\n", id, c.module, c.version, c.fixed, summaries[id], c.path, state)
	}
	for id := range accepted {
		if _, ok := found[id]; !ok {
			fmt.Printf("%s is explained in %s but no longer found: remove its line\n", id, *acceptedPath)
		}
	}
	if bad > 0 {
		fmt.Printf("vulncheck: %d called vulnerabilities are not explained\n", bad)
		os.Exit(1)
	}
	fmt.Printf("vulncheck: %d called vulnerabilities, each explained\n", len(ids))
}
