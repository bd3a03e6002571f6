// Package preview serves a built site on localhost exactly as the CDN would,
// so editors can check it before it is published: the headers of _headers
// (the Content-Security-Policy among them), the rules of _redirects, the
// site's 404 page, ETags, gzip and brotli by Accept-Encoding with Vary,
// byte ranges (for PDFs), no directory listings and nothing outside the
// site's directory. With live reload on, HTML pages get one external script
// that reloads them when the site is rebuilt.
package preview

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"

	"mip/generator/edge"
)

// Server serves one site directory. The directory may be replaced (a
// rebuild swaps it) while the server runs: each request opens it afresh.
type Server struct {
	dir    string
	log    *slog.Logger
	reload *Reloader

	mu    sync.Mutex
	cache map[fileKey]*variants
	held  int64 // bytes in cache
}

// Options configure a Server.
type Options struct {
	Log *slog.Logger
	// Reload, if set, adds the live-reload script to HTML pages and serves
	// its event stream.
	Reload *Reloader
}

// New returns a server for the site in dir.
func New(dir string, o Options) *Server {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{dir: dir, log: o.Log, reload: o.Reload, cache: map[fileKey]*variants{}}
}

// Handler serves the site in dir.
func Handler(dir string) http.Handler { return New(dir, Options{}) }

// maxCached is the most bytes of compressed variants and hashes kept.
const maxCached = 64 << 20

// fileKey names one version of one file.
type fileKey struct {
	path  string
	size  int64
	mtime time.Time
	ino   uint64
}

type variants struct {
	etag     string // of the bytes on disk
	gz, br   []byte
	injected []byte // HTML with the live-reload script
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.reload != nil && strings.HasPrefix(r.URL.Path, reloadPrefix) {
		s.reload.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		s.fail(w, "open the site", err)
		return
	}
	defer root.Close()
	rules, err := edge.LoadFS(root.FS())
	if err != nil {
		s.fail(w, "read the site's rules", err)
		return
	}
	upath := r.URL.Path
	if !strings.HasPrefix(upath, "/") {
		upath = "/" + upath
	}
	clean := path.Clean(upath)
	if strings.HasSuffix(upath, "/") && clean != "/" {
		clean += "/"
	}
	if clean != upath {
		// ../ and // are never part of a site's URLs.
		s.notFound(w, r, root, rules, upath)
		return
	}

	name, found, isDir := s.resolve(root, upath)
	if rule, to, ok := rules.Redirects.MatchQuery(upath, r.URL.Query()); ok && (!found || rule.Force) {
		switch rule.Status {
		case http.StatusOK:
			name, found, _ = s.resolve(root, to)
			if !found {
				s.notFound(w, r, root, rules, upath)
				return
			}
		case http.StatusNotFound:
			s.serveStatus(w, r, root, rules, upath, to, http.StatusNotFound)
			return
		default:
			if r.URL.RawQuery != "" && !strings.Contains(to, "?") {
				to += "?" + r.URL.RawQuery
			}
			setHeaders(w, rules.Headers.For(upath))
			http.Redirect(w, r, to, rule.Status)
			return
		}
	}
	if !found && isDir {
		// A directory with an index: its URL ends in a slash.
		to := upath + "/"
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	}
	if !found {
		s.notFound(w, r, root, rules, upath)
		return
	}
	s.serveFile(w, r, root, rules, upath, name, http.StatusOK)
}

// resolve maps a URL path to a file: /a/ is a/index.html. It reports
// whether the path names a directory that has an index (so /a should go to
// /a/).
func (s *Server) resolve(root *os.Root, upath string) (name string, found, dirWithIndex bool) {
	name = strings.TrimPrefix(upath, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if edge.IsConfig(name) {
		return "", false, false
	}
	st, err := root.Stat(name)
	if err != nil {
		return "", false, false
	}
	if st.IsDir() {
		ist, err := root.Stat(path.Join(name, "index.html"))
		return "", false, err == nil && ist.Mode().IsRegular()
	}
	return name, st.Mode().IsRegular(), false
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, root *os.Root, rules *edge.Rules, upath string) {
	s.serveStatus(w, r, root, rules, upath, "/404.html", http.StatusNotFound)
}

// serveStatus answers with the page at page and the given status, or a
// plain page if the site has none.
func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request, root *os.Root, rules *edge.Rules, upath, page string, status int) {
	if name, found, _ := s.resolve(root, page); found {
		s.serveFile(w, r, root, rules, upath, name, status)
		return
	}
	setHeaders(w, rules.Headers.For(upath))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><html lang=\"en\"><title>%s</title><h1>%s</h1></html>\n", http.StatusText(status), http.StatusText(status))
}

func setHeaders(w http.ResponseWriter, h http.Header) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
}

func (s *Server) fail(w http.ResponseWriter, step string, err error) {
	s.log.Error("preview", "step", step, "err", err)
	http.Error(w, "cannot "+step, http.StatusInternalServerError)
}

// serveFile sends the file name for the request path upath.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, rules *edge.Rules, upath, name string, status int) {
	f, err := root.Open(name)
	if err != nil {
		s.fail(w, "open "+name, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		s.fail(w, "read "+name, err)
		return
	}
	key := fileKey{path: name, size: st.Size(), mtime: st.ModTime()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		key.ino = sys.Ino
	}
	h := w.Header()
	setHeaders(w, rules.Headers.For(upath))
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = edge.ContentType(name)
		h.Set("Content-Type", ctype)
	}
	v, err := s.variants(key, f)
	if err != nil {
		s.fail(w, "read "+name, err)
		return
	}

	var body io.ReadSeeker = f
	etag := v.etag
	inject := s.reload != nil && strings.HasPrefix(ctype, "text/html")
	if inject {
		s.mu.Lock()
		page := v.injected
		s.mu.Unlock()
		if page == nil {
			data, err := readAll(f)
			if err != nil {
				s.fail(w, "read "+name, err)
				return
			}
			page = injectScript(data)
			s.mu.Lock()
			v.injected = page
			s.mu.Unlock()
		}
		body = bytes.NewReader(page)
		etag = etag[:len(etag)-1] + `-live"`
	}
	if edge.Compressible(ctype) && h.Get("Content-Encoding") == "" {
		h.Add("Vary", "Accept-Encoding")
		if enc := negotiate(r.Header.Get("Accept-Encoding")); enc != "" && !inject {
			data, err := s.encoded(key, v, f, enc)
			if err != nil {
				s.fail(w, "compress "+name, err)
				return
			}
			h.Set("Content-Encoding", enc)
			body = bytes.NewReader(data)
			etag = etag[:len(etag)-1] + "-" + enc + `"`
		}
	}
	h.Set("ETag", etag)
	if status != http.StatusOK {
		// Error pages: no ranges or conditional answers.
		h.Del("ETag")
		n, _ := body.Seek(0, io.SeekEnd)
		body.Seek(0, io.SeekStart)
		h.Set("Content-Length", strconv.FormatInt(n, 10))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			io.Copy(w, body)
		}
		return
	}
	http.ServeContent(w, r, name, st.ModTime(), body)
}

func readAll(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// variants returns the cached facts about one version of a file, hashing
// it the first time.
func (s *Server) variants(key fileKey, f *os.File) (*variants, error) {
	s.mu.Lock()
	v := s.cache[key]
	s.mu.Unlock()
	if v != nil {
		return v, nil
	}
	hs := sha256.New()
	if _, err := io.Copy(hs, f); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	v = &variants{etag: `"` + hex.EncodeToString(hs.Sum(nil)[:16]) + `"`}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.cache[key]; old != nil {
		return old, nil
	}
	s.keep(key, v, 64)
	return v, nil
}

// encoded returns the file compressed with enc, compressing it once.
func (s *Server) encoded(key fileKey, v *variants, f *os.File, enc string) ([]byte, error) {
	s.mu.Lock()
	data := v.gz
	if enc == "br" {
		data = v.br
	}
	s.mu.Unlock()
	if data != nil {
		return data, nil
	}
	raw, err := readAll(f)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	var zw io.WriteCloser
	if enc == "br" {
		zw = brotli.NewWriterLevel(&buf, 5)
	} else {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	data = buf.Bytes()
	s.mu.Lock()
	defer s.mu.Unlock()
	if enc == "br" {
		v.br = data
	} else {
		v.gz = data
	}
	s.keep(key, v, int64(len(data)))
	return data, nil
}

// keep counts n more bytes held for key, emptying the cache when it is
// over its budget. s.mu is held.
func (s *Server) keep(key fileKey, v *variants, n int64) {
	if s.held+n > maxCached {
		s.cache = map[fileKey]*variants{}
		s.held = 0
	}
	s.cache[key] = v
	s.held += n
}

// negotiate picks br or gzip from an Accept-Encoding header, or "" for
// the bytes as they are. An encoding with q=0 is refused.
func negotiate(accept string) string {
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		if p, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(p, 64); err == nil {
				v = f
			}
		}
		q[name] = v
	}
	best, bestQ := "", 0.0
	for _, enc := range []string{"br", "gzip"} {
		v, ok := q[enc]
		if !ok {
			v, ok = q["*"]
		}
		if ok && v > bestQ {
			best, bestQ = enc, v
		}
	}
	return best
}
