// Package preview serves a built site on localhost so editors can look at it
// before it is published: plain static files, no directory listings, nothing
// outside the site's directory.
package preview

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// Handler serves the site in dir.
func Handler(dir string) http.Handler {
	fsys := os.DirFS(dir)
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		st, err := fs.Stat(fsys, name)
		if err == nil && st.IsDir() {
			if _, err := fs.Stat(fsys, path.Join(name, "index.html")); err != nil {
				notFound(w, fsys)
				return
			}
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
				notFound(w, fsys)
				return
			}
			http.Error(w, "cannot read this file", http.StatusInternalServerError)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, fsys fs.FS) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if page, err := fs.ReadFile(fsys, "404.html"); err == nil {
		w.Write(page)
		return
	}
	w.Write([]byte("<!DOCTYPE html><html lang=\"en\"><title>Page not found</title><h1>Page not found</h1></html>\n"))
}
