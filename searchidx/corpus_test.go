package searchidx

import "mip/searchidx/internal/synth"

// syntheticDocs makes n documents (an SPC and a PIL per product, a PAR for
// one product in four) of roughly words words each, from seed; see
// internal/synth.
func syntheticDocs(n, words int, seed uint64) []Doc {
	docs := make([]Doc, 0, n)
	eachSyntheticDoc(n, words, seed, func(d Doc) { docs = append(docs, d) })
	return docs
}

// eachSyntheticDoc calls yield with each document syntheticDocs returns,
// without holding them all.
func eachSyntheticDoc(n, words int, seed uint64, yield func(Doc)) {
	synth.Each(n, words, seed, func(s synth.Doc) { yield(fromSynth(s)) })
}

func fromSynth(s synth.Doc) Doc {
	d := Doc{Key: s.Key, Type: s.Type, Products: s.Products, Substances: s.Substances, Licences: s.Licences,
		Title: s.Title, Body: s.Body, Card: Card{Product: s.Card.Product, Title: s.Card.Title,
			Substances: s.Card.Substances, Licences: s.Card.Licences, Date: s.Card.Date, Size: s.Card.Size, URL: s.Card.URL}}
	for _, x := range s.Sections {
		d.Sections = append(d.Sections, Section{ID: x.ID, Heading: x.Heading, Text: x.Text})
	}
	return d
}
