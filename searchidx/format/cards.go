package format

// A Card is what a search result shows for one document, without fetching
// the document.
type Card struct {
	Type       string   // SPC, PIL or PAR
	Territory  string   // UK, GB, NI or ""
	Product    string   // the product name shown as the result's heading
	Title      string   // the document title
	Substances []string // active substances
	Licences   []string // licence numbers in display form, "PL 12345/0001"
	Date       string   // YYYY-MM-DD, or ""
	Size       uint64   // PDF size in bytes
	URL        string   // where the document is, relative to the site root
	Snippet    string   // a short text shown under the result, or ""
}

const cardsMagic = "MIPC"

// EncodeCards returns the bytes of a card file. Strings repeated within the
// file (a product's name on its SPC, PIL and PAR; a substance) are stored
// once in a table and referred to by index.
func EncodeCards(cards []Card) []byte {
	var table []string
	index := map[string]int{}
	ref := func(s string) uint64 {
		i, ok := index[s]
		if !ok {
			i = len(table)
			index[s] = i
			table = append(table, s)
		}
		return uint64(i)
	}
	var body []byte
	list := func(ss []string) {
		body = putUvarint(body, uint64(len(ss)))
		for _, s := range ss {
			body = putUvarint(body, ref(s))
		}
	}
	for _, c := range cards {
		for _, s := range []string{c.Type, c.Territory, c.Product, c.Title, c.Date, c.URL, c.Snippet} {
			body = putUvarint(body, ref(s))
		}
		list(c.Substances)
		list(c.Licences)
		body = putUvarint(body, c.Size)
	}
	b := []byte(cardsMagic)
	b = append(b, Version)
	b = putUvarint(b, uint64(len(table)))
	for _, s := range table {
		b = putStr(b, s)
	}
	b = putUvarint(b, uint64(len(cards)))
	return append(b, body...)
}

// DecodeCards reads a card file.
func DecodeCards(p []byte) ([]Card, error) {
	r := &reader{b: p}
	r.magic(cardsMagic, Version)
	nt := r.count(1)
	table := make([]string, 0, nt)
	for i := 0; i < nt && r.err == nil; i++ {
		table = append(table, r.str())
	}
	str := func() string {
		i := r.uvarint()
		if r.err == nil && i >= uint64(len(table)) {
			r.fail("string index out of range")
		}
		if r.err != nil {
			return ""
		}
		return table[i]
	}
	list := func() []string {
		n := r.count(1)
		var out []string
		for i := 0; i < n && r.err == nil; i++ {
			out = append(out, str())
		}
		return out
	}
	nc := r.count(10)
	cards := make([]Card, 0, nc)
	for i := 0; i < nc && r.err == nil; i++ {
		var c Card
		for _, f := range []*string{&c.Type, &c.Territory, &c.Product, &c.Title, &c.Date, &c.URL, &c.Snippet} {
			*f = str()
		}
		c.Substances = list()
		c.Licences = list()
		c.Size = r.uvarint()
		cards = append(cards, c)
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return cards, nil
}
