package pages

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"mip/assets"
)

// asset is one published static file.
type asset struct {
	Logical string // the name templates and other assets use: /assets/site.css
	URL     string // where it is published: /assets/site.3f2a….css
	SRI     string // its subresource-integrity hash
	data    []byte
}

// assetRef is what a template gets for an asset.
type assetRef struct{ URL, SRI string }

// assetSet is every asset, fingerprinted.
type assetSet struct {
	byLogical map[string]*asset
	order     []*asset
}

func (s *assetSet) ref(logical string) (assetRef, error) {
	a := s.byLogical[logical]
	if a == nil {
		return assetRef{}, fmt.Errorf("no asset %s", logical)
	}
	return assetRef{a.URL, a.SRI}, nil
}

var sourceMapLine = regexp.MustCompile(`(?m)\n?/[/*]# sourceMappingURL=[^\n]*`)

// loadAssets reads the embedded assets, minifies the text ones (when min is
// set), rewrites references between them to their fingerprinted names, and
// names each by its content: files first, then stylesheets, then scripts, so
// that a name is known before anything refers to it.
func loadAssets(min *minifier) (*assetSet, error) {
	set := &assetSet{byLogical: map[string]*asset{}}
	var all []*asset
	err := fs.WalkDir(assets.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || assets.Skip(name) || strings.HasSuffix(name, ".go") {
			return err
		}
		data, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			return err
		}
		for dir, prefix := range assets.Sources {
			if rel, ok := strings.CutPrefix(name, dir+"/"); ok {
				all = append(all, &asset{Logical: prefix + "/" + rel, data: data})
				return nil
			}
		}
		return fmt.Errorf("asset %s is in no published directory", name)
	})
	if err != nil {
		return nil, err
	}
	rank := func(a *asset) int {
		switch path.Ext(a.Logical) {
		case ".css":
			return 1
		case ".js":
			if strings.Contains(a.Logical, "govuk-frontend") {
				return 2
			}
			return 3
		}
		return 0
	}
	sort.SliceStable(all, func(i, j int) bool {
		if rank(all[i]) != rank(all[j]) {
			return rank(all[i]) < rank(all[j])
		}
		return all[i].Logical < all[j].Logical
	})
	for _, a := range all {
		if path.Ext(a.Logical) == ".js" {
			a.data = resolveImports(a.Logical, a.data)
		}
	}
	all, err = dependencyOrder(all)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if seen := set.byLogical[a.Logical]; seen != nil {
			return nil, fmt.Errorf("two assets are published as %s", a.Logical)
		}
		ext := path.Ext(a.Logical)
		if mt := mediaTypes[ext]; mt != "" && ext != ".woff" && ext != ".woff2" {
			text := sourceMapLine.ReplaceAllString(string(a.data), "")
			for _, prev := range set.order {
				text = strings.ReplaceAll(text, prev.Logical, prev.URL)
			}
			a.data = []byte(text)
			if !strings.Contains(a.Logical, ".min.") { // already minified upstream
				data, err := min.bytes(mt, a.data)
				if err != nil {
					return nil, fmt.Errorf("minify %s: %w", a.Logical, err)
				}
				a.data = data
			}
		}
		sum := sha256.Sum256(a.data)
		stem := strings.TrimSuffix(a.Logical, ext)
		stem = strings.TrimSuffix(stem, ".min")
		a.URL = stem + "." + hex.EncodeToString(sum[:8]) + ext
		a.SRI = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
		set.byLogical[a.Logical] = a
		set.order = append(set.order, a)
	}
	return set, nil
}

// write publishes every asset and GOV.UK Frontend's licence.
func (s *assetSet) write(o *output) error {
	for _, a := range s.order {
		if err := o.raw(strings.TrimPrefix(a.URL, "/"), a.data); err != nil {
			return err
		}
	}
	lic, err := fs.ReadFile(assets.FS, assets.Licence)
	if err != nil {
		return err
	}
	return o.raw("licences/govuk-frontend.txt", lic)
}

// relativeImport is a static or dynamic import of a module in the same
// directory: from "./format.js", import("./format.js").
var relativeImport = regexp.MustCompile(`(\bfrom\s*|\bimport\s*\(?\s*)"\./([A-Za-z0-9_-]+\.js)"`)

// resolveImports rewrites a module's relative imports to the logical names
// of the modules they name, which the fingerprinting then replaces by their
// published names (relative names would miss the content hash). The
// sources keep relative imports so that Node runs them as they are.
func resolveImports(logical string, data []byte) []byte {
	dir := path.Dir(logical)
	return relativeImport.ReplaceAll(data, []byte(`${1}"`+dir+`/${2}"`))
}

// dependencyOrder orders the assets so that each comes after every asset
// its text names, keeping the given order otherwise: a name must be known
// before anything refers to it.
func dependencyOrder(all []*asset) ([]*asset, error) {
	out := make([]*asset, 0, len(all))
	done := map[*asset]bool{}
	refers := func(a, b *asset) bool {
		return a != b && mediaTypes[path.Ext(a.Logical)] != "" && strings.Contains(string(a.data), b.Logical)
	}
	for len(out) < len(all) {
		progress := false
		for _, a := range all {
			if done[a] {
				continue
			}
			ready := true
			for _, b := range all {
				if !done[b] && refers(a, b) {
					ready = false
					break
				}
			}
			if ready {
				done[a] = true
				out = append(out, a)
				progress = true
				break
			}
		}
		if !progress {
			return nil, fmt.Errorf("assets refer to each other in a cycle")
		}
	}
	return out, nil
}
