// Package assets holds the site's static files, embedded in the mip binary:
// GOV.UK Frontend's compiled CSS, JavaScript and fonts under
// vendor/govuk-frontend (see its README for the version and licence), and
// mip's own stylesheets and scripts under site/, and the search client's ES
// modules under search/ (their Node tests under search/test/ are not
// published). generator/pages publishes them under /assets/ with a content
// hash in each name.
package assets

import (
	"embed"
	"strings"
)

// FS holds every asset.
//
//go:embed vendor site search
var FS embed.FS

// Sources maps each directory of FS to the path its files are published
// under before fingerprinting: vendor/govuk-frontend/fonts/x.woff2 is
// /assets/fonts/x.woff2, the name GOV.UK Frontend's CSS refers to it by.
var Sources = map[string]string{
	"vendor/govuk-frontend": "/assets",
	"site":                  "/assets",
	"search":                "/assets/search",
}

// Licence is GOV.UK Frontend's licence, published beside its files.
const Licence = "vendor/govuk-frontend/LICENSE.txt"

// Skip reports whether a file of FS is documentation rather than an asset.
func Skip(name string) bool {
	if strings.HasPrefix(name, "search/test/") {
		return true
	}
	switch name {
	case "vendor/govuk-frontend/README.md", "vendor/govuk-frontend/VERSION", Licence:
		return true
	}
	return false
}
