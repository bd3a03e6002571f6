// Package templates holds the site's HTML templates (the layout, the pages
// under pages/ and the GOV.UK Frontend components in govuk.html), embedded in the mip
// binary so a build needs no files beside it.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html pages/*.html
var FS embed.FS
