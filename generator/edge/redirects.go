package edge

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Redirects are the rules of a _redirects file: one "from to [status]" rule
// a line, the first match winning. from may hold :placeholders and a final
// *, used in to as :name and :splat. status is 301, 302 (the default),
// 303, 307 or 308 for a redirect, 200 for a rewrite that serves another
// file at the same URL, or 404 for a not-found page; a status followed by
// "!" applies even when a file exists at from (otherwise the file wins, as
// on Netlify). Between from and to, key=value fields are query conditions,
// as on Netlify: the rule applies only when the request's query has each key
// with that (URL-encoded) value, or any value for key=:name, captured as
// :name.
type Redirects struct {
	rules []Redirect
}

// Redirect is one rule.
type Redirect struct {
	From   string
	To     string
	Status int
	Force  bool
	Line   int
	// Query holds the rule's query conditions: key → value, or ":name" to
	// capture any value.
	Query map[string]string
	pat   pattern
}

// ParseRedirects parses a _redirects file.
func ParseRedirects(data []byte) (*Redirects, error) {
	rs := &Redirects{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		var query map[string]string
		for len(f) > 2 && strings.Contains(f[1], "=") && !strings.HasPrefix(f[1], "/") && !strings.Contains(f[1], "://") {
			k, v, _ := strings.Cut(f[1], "=")
			dk, err1 := url.QueryUnescape(k)
			dv, err2 := url.QueryUnescape(v)
			if k == "" || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("_redirects line %d: bad query condition %q", n, f[1])
			}
			if query == nil {
				query = map[string]string{}
			}
			query[dk] = dv
			f = append(f[:1], f[2:]...)
		}
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("_redirects line %d: want \"from [key=value …] to [status]\", got %q", n, line)
		}
		r := Redirect{From: f[0], To: f[1], Status: 302, Line: n, Query: query}
		if len(f) == 3 {
			s, force := strings.CutSuffix(f[2], "!")
			code, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("_redirects line %d: bad status %q", n, f[2])
			}
			switch code {
			case 200, 301, 302, 303, 307, 308, 404:
			default:
				return nil, fmt.Errorf("_redirects line %d: unsupported status %d", n, code)
			}
			r.Status, r.Force = code, force
		}
		pat, err := compile(r.From)
		if err != nil {
			return nil, fmt.Errorf("_redirects line %d: %w", n, err)
		}
		if (r.Status == 200 || r.Status == 404) && !strings.HasPrefix(r.To, "/") {
			return nil, fmt.Errorf("_redirects line %d: a %d rule must name a path on this site, got %q", n, r.Status, r.To)
		}
		r.pat = pat
		rs.rules = append(rs.rules, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("_redirects: %w", err)
	}
	return rs, nil
}

// Match returns the first rule matching the URL path p (and no query) and
// its target with the captures substituted.
func (rs *Redirects) Match(p string) (Redirect, string, bool) { return rs.MatchQuery(p, nil) }

// MatchQuery returns the first rule matching the URL path p and query q and
// its target with the captures substituted.
func (rs *Redirects) MatchQuery(p string, q url.Values) (Redirect, string, bool) {
	if rs == nil {
		return Redirect{}, "", false
	}
	for _, r := range rs.rules {
		caps, ok := r.pat.match(p)
		if !ok || !r.queryMatch(q, &caps) {
			continue
		}
		return r, substitute(r.To, caps), true
	}
	return Redirect{}, "", false
}

func (r Redirect) queryMatch(q url.Values, caps *map[string]string) bool {
	for k, want := range r.Query {
		vals, ok := q[k]
		if !ok || len(vals) == 0 {
			return false
		}
		if strings.HasPrefix(want, ":") {
			if *caps == nil {
				*caps = map[string]string{}
			}
			// Captures are keyed as they are written in the target.
			(*caps)[want] = url.QueryEscape(vals[0])
			continue
		}
		if vals[0] != want {
			return false
		}
	}
	return true
}
