package extract

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestChainMatchesQuadratic checks the linear dropContents and bestChain
// against the plain quadratic forms they replaced, on random candidates.
func TestChainMatchesQuadratic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var cands []candidate
		line := 0
		for range rng.IntN(40) {
			line += rng.IntN(4)
			secs := rng.Perm(8)[:1+rng.IntN(2)]
			slices.Sort(secs)
			for _, s := range secs {
				cands = append(cands, candidate{line: line, n: 1 + rng.IntN(3), sec: s, score: 1 + rng.IntN(3)})
			}
		}
		if got, want := dropContents(cands), dropContentsRef(cands); !slices.Equal(got, want) {
			t.Fatalf("dropContents(%v)\n= %v\nwant %v", cands, got, want)
		}
		if got, want := bestChain(cands), bestChainRef(cands); !slices.Equal(got, want) {
			t.Fatalf("bestChain(%v)\n= %v\nwant %v", cands, got, want)
		}
	}
}

// dropContentsRef is the quadratic form of dropContents.
func dropContentsRef(cands []candidate) []candidate {
	inRun := make([]bool, len(cands))
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].line <= cands[j-1].line+cands[j-1].n && cands[j].sec > cands[j-1].sec {
			j++
		}
		// Candidates of one line for several sections count once.
		if j-i >= 3 {
			for k := i; k < j; k++ {
				inRun[k] = true
			}
		}
		i = j
	}
	var rest []candidate
	for i, c := range cands {
		if !inRun[i] {
			rest = append(rest, c)
		}
	}
	var out []candidate
	for i, c := range rest {
		later, close := false, false
		for _, d := range rest[i+1:] {
			if d.sec == c.sec && d.line > c.line+2 {
				later = true
			}
			if d.sec > c.sec && d.line >= c.line+c.n && d.line <= c.line+c.n+1 {
				close = true
			}
		}
		if later && close {
			continue
		}
		out = append(out, c)
	}
	return out
}

// bestChainRef is the quadratic form of bestChain.
func bestChainRef(cands []candidate) []candidate {
	n := len(cands)
	if n == 0 {
		return nil
	}
	score := make([]int, n)
	prev := make([]int, n)
	best := -1
	for i, c := range cands {
		score[i], prev[i] = c.score, -1
		for j := range i {
			d := cands[j]
			if d.sec < c.sec && d.line+d.n <= c.line && score[j]+c.score >= score[i] {
				score[i], prev[i] = score[j]+c.score, j
			}
		}
		if best < 0 || score[i] >= score[best] {
			best = i
		}
	}
	var chain []candidate
	for i := best; i >= 0; i = prev[i] {
		chain = append(chain, cands[i])
	}
	for l, r := 0, len(chain)-1; l < r; l, r = l+1, r-1 {
		chain[l], chain[r] = chain[r], chain[l]
	}
	return chain
}
