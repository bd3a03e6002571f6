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
