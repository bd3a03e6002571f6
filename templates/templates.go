// Package templates holds the site's HTML templates, embedded in the mip
// binary so a build needs no files beside it.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html
var FS embed.FS
