package services_test

import (
	"testing"

	"minhbach/services"
)

// TestLegacyFileNameLeaksNothingThroughItsExtension: the neutral name
// given to a file stored before names were sealed takes its extension from
// the file's accepted type, never from the clear name, whose "extension"
// may be part of a person's name ("Phạm Thị.Thoa").
func TestLegacyFileNameLeaksNothingThroughItsExtension(t *testing.T) {
	types := []services.FileType{{MIME: "image/jpeg", Ext: "jpg"}, {MIME: "application/pdf", Ext: "pdf"}}
	for mime, want := range map[string]string{"image/jpeg": ".jpg", "application/pdf": ".pdf", "text/x-thoa": "", "": ""} {
		if got := services.TypeExt(types, mime); got != want {
			t.Errorf("%q gives %q, want %q", mime, got, want)
		}
	}
}
