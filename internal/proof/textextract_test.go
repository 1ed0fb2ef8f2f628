package proof

import "minhbach/internal/pdftext"

// extractText reads back the text of each page of a PDF (internal/pdftext,
// the test oracle shared with the period report's tests).
var extractText = pdftext.Pages
