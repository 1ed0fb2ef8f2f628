package mailer

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"minhbach/services"
)

// templateFS holds the wording of every notification kind, one file per
// kind and language:
//
//   - <kind>.<lang>.txt defines "subject" and "text" (text/template), and
//     may use what common.<lang>.txt defines ("clock", "staffFooter",
//     "autoFooter");
//   - <kind>.<lang>.html, when present, defines "html" (html/template), sent
//     as an alternative to the plain text.
//
// Templates see services.NotificationData and three functions: date formats
// a time as a Vietnam-time day, time as a Vietnam-time hour and minute, day
// formats a YYYY-MM-DD day.
//
//go:embed templates/*
var templateFS embed.FS

// Languages returns the languages every notification kind is worded in;
// the first, Vietnamese, is the default.
func Languages() []string { return []string{"vi", "en"} }

// Message is a rendered e-mail: a one-line subject, a plain-text body, and
// for some kinds an HTML alternative ("" when there is none).
type Message struct {
	Subject string
	Text    string
	HTML    string
}

// wording is one kind's templates in one language.
type wording struct {
	text *texttemplate.Template // "subject" and "text"
	html *htmltemplate.Template // "html"; nil for plain text only
}

// loadTemplates parses the embedded templates once, keyed "<kind>.<lang>".
var loadTemplates = sync.OnceValues(func() (map[string]wording, error) {
	out := map[string]wording{}
	for _, lang := range Languages() {
		files, err := fs.Glob(templateFS, "templates/*."+lang+".txt")
		if err != nil {
			return nil, err
		}
		common := "templates/common." + lang + ".txt"
		for _, file := range files {
			if file == common {
				continue
			}
			kind := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), "."+lang+".txt")
			var w wording
			w.text, err = texttemplate.New(kind).Funcs(texttemplate.FuncMap(funcs(lang))).
				Option("missingkey=error").ParseFS(templateFS, common, file)
			if err != nil {
				return nil, fmt.Errorf("mailer: %s: %w", file, err)
			}
			if w.text.Lookup("subject") == nil || w.text.Lookup("text") == nil {
				return nil, fmt.Errorf("mailer: %s must define subject and text", file)
			}
			htmlFile := strings.TrimSuffix(file, ".txt") + ".html"
			if _, err := fs.Stat(templateFS, htmlFile); err == nil {
				w.html, err = htmltemplate.New(kind).Funcs(htmltemplate.FuncMap(funcs(lang))).
					Option("missingkey=error").ParseFS(templateFS, htmlFile)
				if err != nil {
					return nil, fmt.Errorf("mailer: %s: %w", htmlFile, err)
				}
				if w.html.Lookup("html") == nil {
					return nil, fmt.Errorf("mailer: %s must define html", htmlFile)
				}
			}
			out[kind+"."+lang] = w
		}
	}
	return out, nil
})

// funcs are the template functions for lang: dates as that language writes
// them, in Vietnam time.
func funcs(lang string) map[string]any {
	layout := "02/01/2006"
	if lang == "en" {
		layout = "2 January 2006"
	}
	return map[string]any{
		"date": func(t time.Time) string { return t.In(services.VietnamTime).Format(layout) },
		"time": func(t time.Time) string { return t.In(services.VietnamTime).Format("15:04") },
		"day": func(s string) (string, error) {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return "", fmt.Errorf("day %q: %w", s, err)
			}
			return d.Format(layout), nil
		},
	}
}

// Render words n in its language (Vietnamese when it has none the mailer
// knows). A citizen update is rendered from its kind alone, whatever data
// it carries, so that it stays content-free. A notification queued with
// its wording by an earlier version (n.Legacy) is returned as written.
func Render(n services.Notification) (Message, error) {
	if n.Legacy != nil {
		return Message{Subject: oneLine(n.Legacy.Subject), Text: n.Legacy.Body}, nil
	}
	lang := n.Language
	if !slices.Contains(Languages(), lang) {
		lang = Languages()[0]
	}
	data := n.Data
	if n.Kind == services.NotifyKindCitizenUpdate {
		data = services.NotificationData{}
	} else if err := checkData(n.Kind, data); err != nil {
		return Message{}, err
	}
	all, err := loadTemplates()
	if err != nil {
		return Message{}, err
	}
	w, ok := all[string(n.Kind)+"."+lang]
	if !ok {
		return Message{}, fmt.Errorf("mailer: no wording for kind %q in %q", n.Kind, lang)
	}
	var subject, text, html bytes.Buffer
	if err := w.text.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, fmt.Errorf("mailer: %s subject: %w", n.Kind, err)
	}
	if err := w.text.ExecuteTemplate(&text, "text", data); err != nil {
		return Message{}, fmt.Errorf("mailer: %s text: %w", n.Kind, err)
	}
	if w.html != nil {
		if err := w.html.ExecuteTemplate(&html, "html", data); err != nil {
			return Message{}, fmt.Errorf("mailer: %s html: %w", n.Kind, err)
		}
	}
	return Message{Subject: oneLine(subject.String()), Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}

// checkData refuses a notification that lacks what its kind's wording
// names, rather than send a half-empty e-mail.
func checkData(kind services.NotificationKind, d services.NotificationData) error {
	var missing []string
	switch kind {
	case services.NotifyKindAssigned, services.NotifyKindRecommendation, services.NotifyKindProposal,
		services.NotifyKindExtension, services.NotifyKindOverdue, services.NotifyKindDeadlineNear:
		if d.TrackingCode == "" {
			missing = append(missing, "tracking code")
		}
	case services.NotifyKindDigest:
		if d.Day == "" {
			missing = append(missing, "day")
		}
	case services.NotifyKindStaffing:
		// A disabled account has no cooling period to name.
		if d.Account == "" || d.Change == "" || (d.Until.IsZero() && d.Change != services.StaffingAccountDisabled) {
			missing = append(missing, "account, change or cooling end")
		}
	}
	if kind == services.NotifyKindOverdue || kind == services.NotifyKindDeadlineNear {
		if d.Clock != services.ClockAccept && d.Clock != services.ClockNotify && d.Clock != services.ClockResolve {
			missing = append(missing, "clock")
		}
	}
	if kind == services.NotifyKindDeadlineNear && d.Due.IsZero() {
		missing = append(missing, "due date")
	}
	if len(missing) > 0 {
		return fmt.Errorf("mailer: %s notification without %s", kind, strings.Join(missing, ", "))
	}
	return nil
}

// oneLine makes a subject one header line: any line break becomes a
// space, so that it cannot start another header.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " "))
}
