package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// LedgerKey is where the publish ledger lives in the bucket. Objects under
// _mip/ belong to the publisher, not to the site: they are never diffed or
// deleted.
const LedgerKey = "_mip/publish-ledger.json"

const ledgerPrefix = "_mip/"

// Ledger is the publisher's memory between runs, kept in the bucket itself
// so that any CI machine can publish.
type Ledger struct {
	Version int `json:"version"`
	// Unreferenced are the content-addressed objects in the bucket that the
	// last output did not contain, with the time a publish first found them
	// so. They are deleted once the grace period has passed.
	Unreferenced map[string]time.Time `json:"unreferenced"`
	// Meta is a digest of the metadata (Content-Type, Cache-Control, …)
	// each object was last uploaded with, so that a change to _headers
	// re-uploads the objects it affects.
	Meta map[string]string `json:"meta"`
}

func newLedger() *Ledger {
	return &Ledger{Version: 1, Unreferenced: map[string]time.Time{}, Meta: map[string]string{}}
}

func readLedger(ctx context.Context, b *blob.Bucket) (*Ledger, error) {
	data, err := b.ReadAll(ctx, LedgerKey)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return newLedger(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the publish ledger %s: %w", LedgerKey, err)
	}
	l := newLedger()
	if err := json.Unmarshal(data, l); err != nil {
		return nil, fmt.Errorf("read the publish ledger %s: %w", LedgerKey, err)
	}
	if l.Version != 1 {
		return nil, fmt.Errorf("read the publish ledger %s: version %d, want 1", LedgerKey, l.Version)
	}
	if l.Unreferenced == nil {
		l.Unreferenced = map[string]time.Time{}
	}
	if l.Meta == nil {
		l.Meta = map[string]string{}
	}
	return l, nil
}

func writeLedger(ctx context.Context, b *blob.Bucket, l *Ledger) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(l); err != nil {
		return err
	}
	if err := b.WriteAll(ctx, LedgerKey, buf.Bytes(), &blob.WriterOptions{
		ContentType: "application/json", CacheControl: "no-store",
	}); err != nil {
		return fmt.Errorf("write the publish ledger %s: %w", LedgerKey, err)
	}
	return nil
}

func (l *Ledger) clone() *Ledger {
	c := newLedger()
	for k, v := range l.Unreferenced {
		c.Unreferenced[k] = v
	}
	for k, v := range l.Meta {
		c.Meta[k] = v
	}
	return c
}
