package preview

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"time"
)

const reloadPrefix = "/_mip/livereload"

// The script is a file of its own, so a Content-Security-Policy of
// script-src 'self' allows it; the event stream needs connect-src 'self'
// (or default-src 'self').
const (
	scriptPath = reloadPrefix + ".js"
	eventsPath = reloadPrefix + "/events"
	scriptTag  = `<script src="` + scriptPath + `" defer></script>`
	script     = `// mip serve --watch: reload this page when the site is rebuilt.
new EventSource("` + eventsPath + `").addEventListener("reload", function () { location.reload(); });
`
)

// Reloader tells open pages, through server-sent events, to reload after a
// rebuild.
type Reloader struct {
	mu   sync.Mutex
	gen  int
	subs map[chan int]struct{}
}

// NewReloader returns a Reloader with no pages listening.
func NewReloader() *Reloader { return &Reloader{subs: map[chan int]struct{}{}} }

// Reload asks every open page to reload.
func (rl *Reloader) Reload() {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.gen++
	for c := range rl.subs {
		select {
		case c <- rl.gen:
		default: // already has a reload pending
		}
	}
}

// Listeners is how many pages are listening.
func (rl *Reloader) Listeners() int {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return len(rl.subs)
}

func (rl *Reloader) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case scriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(script))
	case eventsPath:
		rl.events(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (rl *Reloader) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	c := make(chan int, 1)
	rl.mu.Lock()
	rl.subs[c] = struct{}{}
	rl.mu.Unlock()
	defer func() {
		rl.mu.Lock()
		delete(rl.subs, c)
		rl.mu.Unlock()
	}()
	fmt.Fprint(w, "retry: 1000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case gen := <-c:
			fmt.Fprintf(w, "event: reload\ndata: %d\n\n", gen)
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// injectScript adds the live-reload script before the last </body>, or at
// the end of a page that has none.
func injectScript(page []byte) []byte {
	i := bytes.LastIndex(bytes.ToLower(page), []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(scriptTag))
	out = append(out, page[:i]...)
	out = append(out, scriptTag...)
	return append(out, page[i:]...)
}
