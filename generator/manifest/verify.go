package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// Problem is one mismatch found by Verify.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// VerifyResult is what Verify checked.
type VerifyResult struct {
	Files            int       `json:"files"`
	Bytes            int64     `json:"bytes"`
	ContentAddressed int       `json:"content_addressed"`
	Problems         []Problem `json:"problems"`
}

// Verify reads every file of the site in dir again, hashing it, and compares
// it with the manifest and with the hash its name claims: a document's name
// is its whole sha256, a fingerprinted name.<hex>.ext carries a prefix of
// it. Every mismatch is reported; the error wraps ErrMismatch if there was
// one.
func Verify(dir string) (*VerifyResult, error) {
	want, err := Read(dir)
	if err != nil {
		return nil, err
	}
	got, err := Compute(dir, nil)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Problems: []Problem{}}
	add := func(p, format string, args ...any) {
		res.Problems = append(res.Problems, Problem{p, fmt.Sprintf(format, args...)})
	}
	i, j := 0, 0
	for i < len(want.Files) || j < len(got.Files) {
		switch {
		case j == len(got.Files) || i < len(want.Files) && want.Files[i].Path < got.Files[j].Path:
			add(want.Files[i].Path, "listed in the manifest but missing")
			i++
		case i == len(want.Files) || got.Files[j].Path < want.Files[i].Path:
			add(got.Files[j].Path, "present but not in the manifest")
			j++
		default:
			w, g := want.Files[i], got.Files[j]
			if w.Size != g.Size {
				add(g.Path, "size is %d, the manifest says %d", g.Size, w.Size)
			}
			if w.MD5 != g.MD5 {
				add(g.Path, "MD5 is %s, the manifest says %s", g.MD5, w.MD5)
			}
			if w.SHA256 != g.SHA256 {
				add(g.Path, "sha256 is %s, the manifest says %s", g.SHA256, w.SHA256)
			}
			if w.Class != g.Class {
				add(g.Path, "class is %s, the manifest says %s", g.Class, w.Class)
			}
			i++
			j++
		}
	}
	for _, g := range got.Files {
		res.Files++
		res.Bytes += g.Size
		claim, ok := ClaimedHash(g.Path)
		if !ok {
			continue
		}
		res.ContentAddressed++
		if !strings.HasPrefix(g.SHA256, claim) {
			add(g.Path, "content address %s does not match the bytes (sha256 %s)", claim, g.SHA256)
		}
	}
	slices.SortStableFunc(res.Problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	if n := len(res.Problems); n > 0 {
		return res, fmt.Errorf("verify %s: %d problems: %w", dir, n, ErrMismatch)
	}
	return res, nil
}
