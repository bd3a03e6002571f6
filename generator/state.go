package generator

import (
	"context"
	"fmt"
	"os"

	"mip/generator/statestore"
)

// buildWithState runs Build on a local state directory that it fills first:
// from the bucket when o.State is a bucket URL (holding the state's lease
// throughout, and committing the state back only after a successful
// build), and from a published site when o.StateFrom asks to rebuild a lost
// state.
func buildWithState(ctx context.Context, o Options) (*Report, error) {
	local := o.State
	var remote *statestore.Remote
	if statestore.IsRemote(o.State) {
		dir, err := os.MkdirTemp("", "mip-state-")
		if err != nil {
			return nil, fmt.Errorf("make a local state directory: %w", err)
		}
		defer os.RemoveAll(dir)
		remote, err = statestore.Open(ctx, o.State, dir, statestore.Options{Lease: o.StateLease, TextCache: o.TextCache, Log: o.Log})
		if err != nil {
			return nil, err
		}
		defer remote.Close(context.WithoutCancel(ctx))
		if err := remote.Pull(ctx); err != nil {
			return nil, err
		}
		local = dir
	}
	if o.StateFrom != "" {
		cat, err := statestore.Restore(ctx, o.StateFrom, local, statestore.RestoreOptions{})
		if err != nil {
			return nil, err
		}
		o.Log.Info("state rebuilt from a published site", "from", o.StateFrom, "generation", cat.Generation, "documents", len(cat.Documents))
	}
	if remote != nil && !o.SkipText {
		if err := remote.PullText(ctx); err != nil {
			return nil, err
		}
	}
	o.State, o.StateFrom = local, ""
	if remote != nil {
		o.fetchText = remote.FetchText
	}
	rep, err := Build(ctx, o)
	if err != nil || remote == nil {
		return rep, err
	}
	// The site is written by now; a failed commit leaves the bucket's
	// previous state as it was, and the build fails.
	return rep, remote.Commit(ctx)
}
