package media

import (
	"errors"
	"io"
	"sync"

	"minhbach/services"
)

// Checker adapts this package to services.FileChecker.
type Checker struct {
	// MaxPixels is the pixel-flood guard; ≤ 0 means DefaultMaxPixels.
	MaxPixels int64
	// MaxCopiesInMemory is how many PDF, DOCX or XLSX safe copies, which
	// are made in memory (MaxSafeCopyBytes), may be made at once; others
	// wait. ≤ 0 means 2.
	MaxCopiesInMemory int

	once   sync.Once
	copies chan struct{}
}

var _ services.FileChecker = (*Checker)(nil)

func fileType(t Type) services.FileType {
	return services.FileType{MIME: t.MIME, Ext: t.Ext, Class: t.Class, Sanitizable: t.Sanitizable}
}

func typeOf(ft services.FileType) (Type, error) {
	if t, ok := TypeByMIME(ft.MIME); ok {
		return t, nil
	}
	if ft.MIME == ZIP.MIME {
		return ZIP, nil
	}
	return Type{}, services.ErrFileUnsupported
}

// mapErr turns this package's errors into the services' ones, keeping the
// reason for logs.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrTooLargeForCopy):
		return errors.Join(services.ErrFileTooLargeForCopy, services.ErrFileUnsupported, err)
	case errors.Is(err, ErrTooManyPixels):
		return errors.Join(services.ErrFileTooManyPixels, err)
	case errors.Is(err, ErrUnsupported):
		return errors.Join(services.ErrFileUnsupported, err)
	case errors.Is(err, ErrCorrupt):
		return errors.Join(services.ErrFileCorrupt, err)
	}
	return err
}

// HeadSize implements services.FileChecker.
func (i *Checker) HeadSize() int { return HeadSize }

// Sniff implements services.FileChecker.
func (i *Checker) Sniff(head []byte) (services.FileType, bool, error) {
	t, check, err := Sniff(head, i.MaxPixels)
	if err != nil {
		return services.FileType{}, false, mapErr(err)
	}
	return fileType(t), check, nil
}

// CheckContainer implements services.FileChecker: CheckPDF for a PDF,
// CheckOffice for anything else (Sniff asks for the check on these two).
func (i *Checker) CheckContainer(r io.ReaderAt, size int64) (services.FileType, error) {
	var magic [5]byte
	if _, err := r.ReadAt(magic[:], 0); err == nil && string(magic[:]) == "%PDF-" {
		if err := CheckPDF(r, size); err != nil {
			if errors.Is(err, ErrUnsupported) {
				// A real PDF with active content: still an unsupported
				// file, and one the citizen can print to a new PDF or
				// photograph (docs/privacy.md).
				return services.FileType{}, errors.Join(services.ErrFileActivePDF, mapErr(err))
			}
			return services.FileType{}, mapErr(err)
		}
		return fileType(PDF), nil
	}
	t, err := CheckOffice(r, size)
	if err != nil {
		return services.FileType{}, mapErr(err)
	}
	return fileType(t), nil
}

// Sanitize implements services.FileChecker.
func (i *Checker) Sanitize(ft services.FileType, r io.ReaderAt, size int64) (io.Reader, int64, error) {
	t, err := typeOf(ft)
	if err != nil {
		return nil, 0, err
	}
	if t == PDF || t == DOCX || t == XLSX {
		i.once.Do(func() {
			n := i.MaxCopiesInMemory
			if n <= 0 {
				n = 2
			}
			i.copies = make(chan struct{}, n)
		})
		i.copies <- struct{}{}
		defer func() { <-i.copies }()
	}
	out, n, err := Sanitize(t, r, size)
	return out, n, mapErr(err)
}

// AllowedTypes implements services.FileChecker.
func (i *Checker) AllowedTypes() []services.FileType {
	var out []services.FileType
	for _, t := range Types() {
		out = append(out, fileType(t))
	}
	return out
}
