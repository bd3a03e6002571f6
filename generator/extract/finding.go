package extract

import (
	"errors"
	"fmt"
	"strings"

	"mip/generator/finding"
)

// Findings returns the findings the outcome of one Extract makes for the
// build report:
//
//   - err is a *BrokenError: the document could not be read (malformed,
//     encrypted, hung the parser, needed too much memory); the record goes
//     on without text;
//   - some pages could not be read: kept, with the text of the others;
//   - the text has no text layer (a scan without OCR): kept, but it is not
//     searchable by content.
//
// Any other error is not about the document (workers cannot start, the
// context ended) and makes no finding; the caller handles it.
func Findings(file, record string, t Text, err error) []finding.Finding {
	f := finding.Finding{File: file, Record: record, Field: "pdf"}
	var broken *BrokenError
	if errors.As(err, &broken) {
		f.Message = "cannot extract text: " + broken.Reason
		return []finding.Finding{f}
	}
	if err != nil {
		return nil
	}
	var out []finding.Finding
	if bad := t.Meta.BadPages; len(bad) > 0 {
		nums := make([]string, len(bad))
		for i, p := range bad {
			nums[i] = fmt.Sprint(p)
		}
		f.Message = fmt.Sprintf("cannot read page %s of %d: its text is missing", strings.Join(nums, ", "), len(t.Pages))
		f.Kept = true
		out = append(out, f)
	}
	if !t.HasText {
		f.Message = "no text layer (a scan without OCR?): not searchable by content"
		f.Kept = true
		out = append(out, f)
	}
	return out
}
