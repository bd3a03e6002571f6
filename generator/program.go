package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"sync"

	"mip/generator/extract"
)

// pagesKey is what every page depends on beyond its own data: this program
// (its executable's sha256: templates, assets and rendering code are built
// in) and the text extraction's version. It is "" when the executable cannot
// be read, and then every page is rendered.
var pagesKey = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "mip " + hex.EncodeToString(h.Sum(nil)) + "; " + extract.Version
})
