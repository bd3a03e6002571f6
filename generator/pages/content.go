package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"mip/content"
)

// contentPage is one editorial page from content/.
type contentPage struct {
	Slug  string
	Title string
	HTML  template.HTML
}

// govukClasses gives Markdown's elements GOV.UK Frontend's typography.
type govukClasses struct{}

func (govukClasses) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	headings := map[int]string{1: "govuk-heading-xl", 2: "govuk-heading-l", 3: "govuk-heading-m"}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			c := headings[n.Level]
			if c == "" {
				c = "govuk-heading-s"
			}
			n.SetAttributeString("class", c)
		case *ast.Paragraph:
			if _, inList := n.Parent().(*ast.ListItem); !inList {
				n.SetAttributeString("class", "govuk-body")
			}
		case *ast.List:
			if n.IsOrdered() {
				n.SetAttributeString("class", "govuk-list govuk-list--number")
			} else {
				n.SetAttributeString("class", "govuk-list govuk-list--bullet")
			}
		case *ast.Link:
			n.SetAttributeString("class", "govuk-link")
		case *east.Table:
			n.SetAttributeString("class", "govuk-table")
		case *east.TableHeader:
			n.SetAttributeString("class", "govuk-table__head")
		case *east.TableRow:
			n.SetAttributeString("class", "govuk-table__row")
		case *east.TableCell:
			if _, head := n.Parent().(*east.TableHeader); head {
				n.SetAttributeString("class", "govuk-table__header")
			} else {
				n.SetAttributeString("class", "govuk-table__cell")
			}
		}
		return ast.WalkContinue, nil
	})
}

var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(govukClasses{}, 100))),
)

// loadContent renders every page in content/, in name order. Raw HTML in
// the Markdown is not passed through.
func loadContent() ([]contentPage, error) {
	names, err := fs.Glob(content.FS, "*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []contentPage
	for _, name := range names {
		src, err := fs.ReadFile(content.FS, name)
		if err != nil {
			return nil, err
		}
		title, _, ok := strings.Cut(strings.TrimPrefix(string(src), "# "), "\n")
		if !strings.HasPrefix(string(src), "# ") || !ok {
			return nil, fmt.Errorf("content/%s: the first line must be the page's heading, # Title", name)
		}
		var buf bytes.Buffer
		if err := markdown.Convert(src, &buf); err != nil {
			return nil, fmt.Errorf("content/%s: %w", name, err)
		}
		out = append(out, contentPage{Slug: strings.TrimSuffix(name, ".md"), Title: title, HTML: template.HTML(buf.String())})
	}
	return out, nil
}
