package sample

import (
	"fmt"
	"math/rand/v2"
	mlicence "mip/generator/licence"
)

// prefixes are every licence prefix, in the order the first products of a
// sample take them so that each appears at least once.
var prefixes = []string{"PL", "PLGB", "PLNI", "PLPI", "THR", "THRGB", "THRNI", "NR", "NRGB", "NRNI"}

// prefixWeights give how common each prefix is (per mille), PL by far the most.
var prefixWeights = []int{700, 90, 30, 100, 20, 15, 5, 20, 10, 10}

func randomPrefix(r *rand.Rand) string {
	n := r.IntN(1000)
	for i, w := range prefixWeights {
		if n < w {
			return prefixes[i]
		}
		n -= w
	}
	return "PL"
}

// A licence is a marketing authorisation number: prefix, 5-digit company
// number and 4-digit product number.
type licence struct {
	prefix  string
	company int
	product int
}

// display is the canonical form, "PL 12345/0010".
func (l licence) display() string {
	return fmt.Sprintf("%s %05d/%04d", l.prefix, l.company, l.product)
}

// titleForm is the form used in document titles, "PL 12345-0010".
func (l licence) titleForm() string {
	return fmt.Sprintf("%s %05d-%04d", l.prefix, l.company, l.product)
}

// territory is the territory the prefix implies ("" for THR and NR).
func (l licence) territory() string { return mlicence.TerritoryOf(l.prefix) }

// spell writes the licence number in one of the spellings found in real
// records, the display form most often.
func (l licence) spell(r *rand.Rand) string {
	p, c, n := l.prefix, l.company, l.product
	switch k := r.IntN(100); {
	case k < 50:
		return l.display()
	case k < 65:
		return fmt.Sprintf("%s %05d/%04d-%04d", p, c, n, 1+r.IntN(3))
	case k < 73:
		return fmt.Sprintf("%s%05d/%04d", p, c, n)
	case k < 80:
		return fmt.Sprintf("%s %05d-%04d", p, c, n)
	case k < 86:
		return fmt.Sprintf("%s %05d %04d", p, c, n)
	case k < 91:
		return fmt.Sprintf("%s_%05d_%04d", p, c, n)
	case k < 96:
		return fmt.Sprintf("%s%05d%04d", p, c, n)
	default:
		return fmt.Sprintf("%s/%05d/%04d", p, c, n)
	}
}

// companies hands out 5-digit company numbers per holder and 4-digit product
// numbers within them, never the same licence twice.
type companies struct {
	r      *rand.Rand
	used   map[int]bool
	byName map[string]*company
}

type company struct {
	numbers []int // company numbers, the last in use
	next    int   // next product number under the last company number
}

func newCompanies(r *rand.Rand) *companies {
	return &companies{r: r, used: map[int]bool{}, byName: map[string]*company{}}
}

func (cs *companies) freshNumber() int {
	for {
		n := 10000 + cs.r.IntN(90000)
		if !cs.used[n] {
			cs.used[n] = true
			return n
		}
	}
}

// licence returns a new licence for holder with the given prefix.
func (cs *companies) licence(holder, prefix string) licence {
	c := cs.byName[holder]
	if c == nil {
		c = &company{numbers: []int{cs.freshNumber()}, next: 1 + cs.r.IntN(400)}
		cs.byName[holder] = c
	}
	if c.next > 9999 {
		c.numbers = append(c.numbers, cs.freshNumber())
		c.next = 1 + cs.r.IntN(400)
	}
	l := licence{prefix: prefix, company: c.numbers[len(c.numbers)-1], product: c.next}
	c.next += 1 + cs.r.IntN(3)
	return l
}
