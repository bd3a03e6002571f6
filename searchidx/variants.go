package searchidx

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"mip/searchidx/analysis"
)

//go:embed variants.tsv
var variantsTSV string

// variantTable maps a term to the terms of the other spellings of the same
// name.
type variantTable map[string][]string

// parseVariants reads a variants file (see variants.tsv for its shape):
// each line two single-word spellings and a kind; lines sharing a spelling
// join one group.
func parseVariants(text string) (variantTable, error) {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	seen := map[[2]string]bool{}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] == "" {
			return nil, fmt.Errorf("variants line %d: want spelling TAB spelling TAB kind", n+1)
		}
		var terms [2]string
		for i, sp := range f[:2] {
			toks := analysis.Analyze(sp, analysis.IndexMode)
			if len(toks) != 1 || toks[0].Kind != analysis.KindWord {
				return nil, fmt.Errorf("variants line %d: %q is not a single word", n+1, sp)
			}
			terms[i] = toks[0].Term
		}
		if terms[0] == terms[1] {
			return nil, fmt.Errorf("variants line %d: %q and %q analyse to the same term", n+1, f[0], f[1])
		}
		key := terms
		if key[0] > key[1] {
			key[0], key[1] = key[1], key[0]
		}
		if seen[key] {
			return nil, fmt.Errorf("variants line %d: pair %s/%s listed twice", n+1, f[0], f[1])
		}
		seen[key] = true
		parent[find(terms[0])] = find(terms[1])
	}
	groups := map[string][]string{}
	for t := range parent {
		r := find(t)
		groups[r] = append(groups[r], t)
	}
	table := variantTable{}
	for _, g := range groups {
		sort.Strings(g)
		for _, t := range g {
			for _, o := range g {
				if o != t {
					table[t] = append(table[t], o)
				}
			}
		}
	}
	return table, nil
}

var defaultVariants = func() variantTable {
	t, err := parseVariants(variantsTSV)
	if err != nil {
		panic("searchidx: embedded variants.tsv: " + err.Error())
	}
	return t
}()
