package statestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/pages"
)

// RestoreOptions configure Restore.
type RestoreOptions struct {
	Workers int          // PDFs fetched at once; default 16
	Client  *http.Client // for an http(s) site; default http.DefaultClient
}

// Restore rebuilds a lost state in the local directory dir from a published
// site: its /api/v1/history.json becomes the catalogue, at the generation its
// /api/v1/build.json names, and every PDF the
// history names is fetched from /docs/<sha256>.pdf and checked against its
// name. from is the site's address (http:// or https://), the bucket it was
// published to (a gocloud.dev blob URL) or a directory holding it. Restore
// refuses a dir that already holds a catalogue: it only replaces a lost
// state, never a present one. The text-extraction cache is not restored:
// the next build extracts again what it lacks.
func Restore(ctx context.Context, from, dir string, o RestoreOptions) (*catalogue.Catalogue, error) {
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if _, err := os.Stat(filepath.Join(dir, catalogue.FileName)); err == nil {
		cat, err := catalogue.Load(dir)
		gen := 0
		if err == nil {
			gen = cat.Generation
		}
		return nil, fmt.Errorf("restore state from %s: the state already holds a catalogue (generation %d); --state-from only rebuilds a lost state", from, gen)
	}
	src, err := openSource(ctx, from, o.Client)
	if err != nil {
		return nil, err
	}
	defer src.close()
	data, err := src.get(ctx, pages.HistoryPath)
	if err != nil {
		return nil, fmt.Errorf("restore state from %s: read %s: %w", from, pages.HistoryPath, err)
	}
	bj, err := src.get(ctx, pages.BuildPath)
	if err != nil {
		return nil, fmt.Errorf("restore state from %s: read %s: %w", from, pages.BuildPath, err)
	}
	var b pages.BuildJSON
	if err := json.Unmarshal(bj, &b); err != nil || b.Generation < 1 {
		return nil, fmt.Errorf("restore state from %s: %s: no build generation in it (%v)", from, pages.BuildPath, err)
	}
	cat, err := catalogue.FromHistory(data, b.Generation)
	if err != nil {
		return nil, fmt.Errorf("restore state from %s: %s: %w", from, pages.HistoryPath, err)
	}
	store, err := documents.OpenStore(filepath.Join(dir, "docs"))
	if err != nil {
		return nil, err
	}
	err = parallel(ctx, o.Workers, cat.SortedDocuments(), func(sha string) error {
		name := "docs/" + sha + ".pdf"
		data, err := src.get(ctx, name)
		if err != nil {
			return fmt.Errorf("restore state from %s: fetch %s: %w", from, name, err)
		}
		if got := documents.Address(data); got != sha {
			return fmt.Errorf("restore state from %s: fetch %s: its bytes hash to %s", from, name, got)
		}
		_, err = store.Put(data)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := store.Sync(); err != nil {
		return nil, err
	}
	if err := cat.Save(dir); err != nil {
		return nil, err
	}
	return cat, nil
}

// source reads a published site's files by their path in the site.
type source interface {
	get(ctx context.Context, name string) ([]byte, error)
	close()
}

func openSource(ctx context.Context, from string, client *http.Client) (source, error) {
	switch {
	case strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://"):
		if client == nil {
			client = http.DefaultClient
		}
		return httpSource{base: strings.TrimRight(from, "/"), client: client}, nil
	case IsRemote(from):
		b, err := blob.OpenBucket(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("restore state from %s: open bucket: %w", from, err)
		}
		return bucketSource{b}, nil
	}
	root, err := os.OpenRoot(from)
	if err != nil {
		return nil, fmt.Errorf("restore state from %s: %w", from, err)
	}
	return dirSource{root}, nil
}

type httpSource struct {
	base   string
	client *http.Client
}

// maxFetch bounds one file fetched from a site: the largest PDF a build
// accepts is far smaller.
const maxFetch = 1 << 30

func (s httpSource) get(ctx context.Context, name string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/"+name, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFetch+1))
	if err == nil && len(data) > maxFetch {
		err = errors.New("larger than 1 GiB")
	}
	return data, err
}

func (httpSource) close() {}

type bucketSource struct{ b *blob.Bucket }

func (s bucketSource) get(ctx context.Context, name string) ([]byte, error) {
	return s.b.ReadAll(ctx, name)
}
func (s bucketSource) close() { s.b.Close() }

type dirSource struct{ root *os.Root }

func (s dirSource) get(_ context.Context, name string) ([]byte, error) {
	f, err := s.root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
func (s dirSource) close() { s.root.Close() }
