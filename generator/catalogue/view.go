package catalogue

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// View is the catalogue arranged for publishing: live products with their
// documents, substances with their products, A–Z letters, all in a stable
// order.
type View struct {
	Products   []*ProductView
	Substances []*SubstanceView
	Documents  []*Document // every version ever, by content address
	Letters    []string    // letters that have substances, in A–Z then 0–9 order
	ByLetter   map[string][]*SubstanceView
}

// ProductView is a product with its documents.
type ProductView struct {
	*Product
	Status     string // active, or withdrawn when no document is live
	Current    []*Document
	History    []*Document // superseded and withdrawn versions, newest first
	Substances []*Substance
}

// SubstanceView is a substance with its products.
type SubstanceView struct {
	*Substance
	Letter    string
	Products  []*ProductView
	Documents int // distinct live documents of its products
}

// Letters is the A–Z strip: A–Z then 0–9.
var Letters = strings.Split("A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9", " ")

// View arranges the catalogue for publishing.
func (c *Catalogue) View() *View {
	v := &View{ByLetter: map[string][]*SubstanceView{}}
	pv := map[string]*ProductView{}
	for _, id := range slices.Sorted(maps.Keys(c.Products)) {
		p := &ProductView{Product: c.Products[id], Status: Withdrawn}
		for _, sid := range p.Product.Substances {
			if s := c.Substances[sid]; s != nil {
				p.Substances = append(p.Substances, s)
			}
		}
		sort.Slice(p.Substances, func(i, j int) bool { return p.Substances[i].Key < p.Substances[j].Key })
		pv[id] = p
	}
	for _, sha := range slices.Sorted(maps.Keys(c.Documents)) {
		d := c.Documents[sha]
		v.Documents = append(v.Documents, d)
		for _, pid := range d.Products {
			p := pv[pid]
			if p == nil {
				continue
			}
			if d.Live() {
				p.Current = append(p.Current, d)
				p.Status = Active
			} else {
				p.History = append(p.History, d)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(pv)) {
		p := pv[id]
		sortDocs(p.Current)
		sort.SliceStable(p.History, func(i, j int) bool { return p.History[i].Created.After(p.History[j].Created) })
		if len(p.Current) > 0 || len(p.History) > 0 {
			v.Products = append(v.Products, p)
		}
	}
	sort.SliceStable(v.Products, func(i, j int) bool {
		a, b := NameKey(v.Products[i].Name), NameKey(v.Products[j].Name)
		if a != b {
			return a < b
		}
		return v.Products[i].ID < v.Products[j].ID
	})
	sv := map[string]*SubstanceView{}
	docsOf := map[string]map[string]bool{}
	for _, p := range v.Products {
		if p.Status != Active {
			continue
		}
		for _, s := range p.Substances {
			x := sv[s.ID]
			if x == nil {
				x = &SubstanceView{Substance: s, Letter: Letter(s.Name)}
				sv[s.ID] = x
			}
			x.Products = append(x.Products, p)
			if docsOf[s.ID] == nil {
				docsOf[s.ID] = map[string]bool{}
			}
			for _, d := range p.Current {
				docsOf[s.ID][d.SHA256] = true
			}
			x.Documents = len(docsOf[s.ID])
		}
	}
	for _, id := range slices.Sorted(maps.Keys(sv)) {
		v.Substances = append(v.Substances, sv[id])
	}
	sort.SliceStable(v.Substances, func(i, j int) bool { return v.Substances[i].Key < v.Substances[j].Key })
	for _, s := range v.Substances {
		if s.Letter != "" {
			v.ByLetter[s.Letter] = append(v.ByLetter[s.Letter], s)
		}
	}
	for _, l := range Letters {
		if len(v.ByLetter[l]) > 0 {
			v.Letters = append(v.Letters, l)
		}
	}
	return v
}

var typeOrder = map[string]int{"SPC": 0, "PIL": 1, "PAR": 2}

func sortDocs(ds []*Document) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if typeOrder[a.Type] != typeOrder[b.Type] {
			return typeOrder[a.Type] < typeOrder[b.Type]
		}
		if !a.Created.Equal(b.Created) {
			return a.Created.After(b.Created)
		}
		return a.SHA256 < b.SHA256
	})
}
