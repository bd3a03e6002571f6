package extract

import (
	"errors"

	"mip/generator/finding"
)

// Finding returns the finding the outcome of one Extract makes for the build
// report, and whether there is one:
//
//   - err is a *BrokenError: the document could not be read (malformed,
//     encrypted, hung the parser, needed too much memory); the record goes
//     on without text;
//   - the text has no text layer (a scan without OCR): kept, but it is not
//     searchable by content.
//
// Any other error is not about the document (workers cannot start, the
// context ended); the caller handles it.
func Finding(file, record string, t Text, err error) (finding.Finding, bool) {
	f := finding.Finding{File: file, Record: record, Field: "pdf"}
	var broken *BrokenError
	switch {
	case errors.As(err, &broken):
		f.Message = "cannot extract text: " + broken.Reason
		return f, true
	case err == nil && !t.HasText:
		f.Message = "no text layer (a scan without OCR?): not searchable by content"
		f.Kept = true
		return f, true
	}
	return finding.Finding{}, false
}
