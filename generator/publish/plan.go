package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"

	"mip/generator/edge"
	"mip/generator/manifest"
)

// Op is what a publish does to one object.
type Op string

const (
	Upload Op = "upload"
	Delete Op = "delete"
)

// Action is one step of a plan.
type Action struct {
	Op     Op             `json:"op"`
	Path   string         `json:"path"`
	Class  manifest.Class `json:"class"`
	Size   int64          `json:"size"`
	Reason string         `json:"reason"`
}

// Waiting is an unreferenced content-addressed object kept for the grace
// period, because pages cached before this publish may still point at it.
type Waiting struct {
	Path         string    `json:"path"`
	Unreferenced time.Time `json:"unreferenced_since"`
	DeleteAfter  time.Time `json:"delete_after"`
}

// Plan is everything a publish will do, in order: Uploads (content-addressed
// files, then pages, then roots), then Deletes.
type Plan struct {
	Uploads []Action  `json:"uploads"`
	Deletes []Action  `json:"deletes"`
	Waiting []Waiting `json:"waiting"`
	// KeptDocuments are document PDFs in the bucket that the output no
	// longer has. Documents stay at their address for good.
	KeptDocuments []string `json:"kept_documents"`
	Unchanged     int      `json:"unchanged"`

	ledger   *Ledger          // the ledger to write after the roots
	previous *Ledger          // the ledger the plan started from
	entries  []manifest.Entry // the output, for the upload step
	meta     map[string]Meta
}

// Meta is the metadata an object is uploaded with, from the file's name
// and the site's _headers rules. Other headers (Content-Security-Policy and
// the like) cannot be stored on an object; the CDN must send them from
// _headers.
type Meta struct {
	ContentType        string `json:"content_type"`
	CacheControl       string `json:"cache_control,omitempty"`
	ContentEncoding    string `json:"content_encoding,omitempty"`
	ContentDisposition string `json:"content_disposition,omitempty"`
	ContentLanguage    string `json:"content_language,omitempty"`
}

// MetaFor gives the metadata of the file at p.
func MetaFor(h *edge.Headers, p string) Meta {
	hd := h.ForFile(p)
	m := Meta{
		ContentType:        hd.Get("Content-Type"),
		CacheControl:       hd.Get("Cache-Control"),
		ContentEncoding:    hd.Get("Content-Encoding"),
		ContentDisposition: hd.Get("Content-Disposition"),
		ContentLanguage:    hd.Get("Content-Language"),
	}
	if m.ContentType == "" {
		m.ContentType = edge.ContentType(p)
	}
	return m
}

func (m Meta) digest() string {
	h := sha256.Sum256([]byte(strings.Join([]string{m.ContentType, m.CacheControl, m.ContentEncoding, m.ContentDisposition, m.ContentLanguage}, "\n")))
	return hex.EncodeToString(h[:8])
}

// ErrTooManyDeletes is wrapped by the error of a publish whose plan deletes
// more objects than allowed.
var ErrTooManyDeletes = errors.New("too many deletions")

// isDocument reports whether the object at p is a document PDF, which is
// never deleted (a broader test than the content address, on purpose).
func isDocument(p string) bool {
	return strings.HasPrefix(p, "docs/") && strings.HasSuffix(strings.ToLower(p), ".pdf")
}

// rank orders the uploads: content-addressed files, pages, then roots; the
// roots that point at other roots (the sitemap index, the home page, the
// build record) come last of all.
func rank(e manifest.Entry) int {
	switch e.Class {
	case manifest.ContentAddressed:
		return 0
	case manifest.Page:
		return 1
	}
	switch e.Path {
	case "sitemap.xml", "sitemap_index.xml", "index.html", "api/v1/build.json":
		return 3
	}
	return 2
}

// MakePlan lists the bucket and compares it with the output described by m
// (whose files are under dir's rules h).
func MakePlan(ctx context.Context, b *blob.Bucket, m *manifest.Manifest, h *edge.Headers, now time.Time, grace time.Duration) (*Plan, error) {
	old, err := readLedger(ctx, b)
	if err != nil {
		return nil, err
	}
	remote := map[string]*blob.ListObject{}
	it := b.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list the bucket: %w", err)
		}
		if obj.IsDir || strings.HasPrefix(obj.Key, ledgerPrefix) {
			continue
		}
		remote[obj.Key] = obj
	}

	p := &Plan{ledger: newLedger(), previous: old, meta: map[string]Meta{}, Uploads: []Action{}, Deletes: []Action{}, Waiting: []Waiting{}, KeptDocuments: []string{}}
	local := map[string]bool{}
	for _, e := range m.Files {
		local[e.Path] = true
		meta := MetaFor(h, e.Path)
		p.meta[e.Path] = meta
		reason, err := differs(ctx, b, e, remote[e.Path])
		if err != nil {
			return nil, err
		}
		if reason == "" {
			if d, ok := old.Meta[e.Path]; !ok {
				reason = "metadata not recorded"
			} else if d != meta.digest() {
				reason = "metadata changed"
			}
		}
		if reason == "" {
			p.Unchanged++
			p.ledger.Meta[e.Path] = old.Meta[e.Path]
			continue
		}
		p.entries = append(p.entries, e)
		p.Uploads = append(p.Uploads, Action{Op: Upload, Path: e.Path, Class: e.Class, Size: e.Size, Reason: reason})
	}
	slices.SortStableFunc(p.Uploads, func(a, c Action) int {
		return rank(manifest.Entry{Path: a.Path, Class: a.Class}) - rank(manifest.Entry{Path: c.Path, Class: c.Class})
	})

	keys := make([]string, 0, len(remote))
	for k := range remote {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if local[k] {
			continue
		}
		obj := remote[k]
		class := manifest.Classify(k)
		switch {
		case isDocument(k):
			p.KeptDocuments = append(p.KeptDocuments, k)
			if d, ok := old.Meta[k]; ok {
				p.ledger.Meta[k] = d
			}
		case class == manifest.ContentAddressed:
			since, ok := old.Unreferenced[k]
			if !ok {
				since = now.UTC()
			}
			p.ledger.Unreferenced[k] = since
			if d, ok := old.Meta[k]; ok {
				p.ledger.Meta[k] = d
			}
			if !now.Before(since.Add(grace)) {
				p.Deletes = append(p.Deletes, Action{Op: Delete, Path: k, Class: class, Size: obj.Size,
					Reason: "unreferenced since " + since.UTC().Format(time.RFC3339)})
			} else {
				p.Waiting = append(p.Waiting, Waiting{Path: k, Unreferenced: since, DeleteAfter: since.Add(grace)})
			}
		default:
			p.Deletes = append(p.Deletes, Action{Op: Delete, Path: k, Class: class, Size: obj.Size, Reason: "not in the output"})
		}
	}
	return p, nil
}

// differs says why the object in the bucket is not the file e, or "".
func differs(ctx context.Context, b *blob.Bucket, e manifest.Entry, obj *blob.ListObject) (string, error) {
	switch {
	case obj == nil:
		return "new", nil
	case obj.Size != e.Size:
		return "size changed", nil
	case obj.MD5 != nil:
		if hex.EncodeToString(obj.MD5) != e.MD5 {
			return "content changed", nil
		}
		return "", nil
	case e.Class == manifest.ContentAddressed:
		// No MD5 in the listing (an S3 multipart upload): the name fixes
		// the bytes and the size agrees.
		return "", nil
	}
	attrs, err := b.Attributes(ctx, e.Path)
	if err != nil {
		return "", fmt.Errorf("read the attributes of %s: %w", e.Path, err)
	}
	if attrs.Metadata["md5"] != e.MD5 {
		return "content changed", nil
	}
	return "", nil
}
