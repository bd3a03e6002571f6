// Package content holds the portal's editorial pages as Markdown, embedded in
// the mip binary. Each file is one page: content/about.md is /about/, and its
// first heading is the page's title.
package content

import "embed"

// FS holds every page.
//
//go:embed *.md
var FS embed.FS
