package pages

import (
	"regexp"
	"strings"
	"testing"
)

// The search client's modules import each other by relative names in the
// source; published, each import names the fingerprinted module.
func TestSearchModulesImportPublishedNames(t *testing.T) {
	set, err := loadAssets(newMinifier(true))
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{}
	for _, a := range set.order {
		published[a.URL] = true
	}
	imports := regexp.MustCompile(`(?:from|import)\s*\(?\s*"([^"]+)"`)
	for _, name := range []string{"page", "engine", "format", "analysis"} {
		a := set.byLogical["/assets/search/"+name+".js"]
		if a == nil {
			t.Fatalf("/assets/search/%s.js is not published", name)
		}
		found := imports.FindAllStringSubmatch(string(a.data), -1)
		if (name == "page" || name == "engine") && len(found) == 0 {
			t.Errorf("%s: no imports found", a.URL)
		}
		for _, m := range found {
			if !published[m[1]] {
				t.Errorf("%s imports %s, which is not a published asset", a.URL, m[1])
			}
		}
	}
	for _, a := range set.order {
		if strings.Contains(a.Logical, "/test/") {
			t.Errorf("%s is a test, published", a.Logical)
		}
	}
}

func TestResolveImports(t *testing.T) {
	got := string(resolveImports("/assets/search/page.js", []byte(`import { a } from "./engine.js";import{b}from"./format.js";const m = import("./x.js"); f("./y.js")`)))
	want := `import { a } from "/assets/search/engine.js";import{b}from"/assets/search/format.js";const m = import("/assets/search/x.js"); f("./y.js")`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestDependencyOrder(t *testing.T) {
	a := &asset{Logical: "/assets/a.js", data: []byte(`import "/assets/b.js"`)}
	b := &asset{Logical: "/assets/b.js", data: []byte(`import "/assets/c.js"`)}
	c := &asset{Logical: "/assets/c.js", data: []byte(`1`)}
	out, err := dependencyOrder([]*asset{a, b, c})
	if err != nil || len(out) != 3 || out[0] != c || out[1] != b || out[2] != a {
		t.Errorf("dependencyOrder: %v %v", out, err)
	}
	c.data = []byte(`import "/assets/a.js"`)
	if _, err := dependencyOrder([]*asset{a, b, c}); err == nil {
		t.Error("a cycle is not reported")
	}
}
