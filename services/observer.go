package services

// Observer hears what the services do, for the portal's metrics
// (internal/metrics, docs/metrics.md). Every argument comes from a closed
// vocabulary: a report kind, a channel, a source, a MIME type decided by
// content, a scan result, a notification kind and a delivery result. Never
// an id, a tracking code, an address or anything a citizen typed, so that
// no metric label can carry one.
type Observer interface {
	// ReportFiled is told of each report filed (an appeal included), with
	// the bytes of the evidence filed with it.
	ReportFiled(kind Kind, channel string, evidenceBytes int64)
	// FileKept is told of each evidence file a report now references.
	FileKept(source, mediaType, scan string, size int64)
	// NotificationDelivered is told of each delivery attempt's result
	// (Delivery*).
	NotificationDelivered(kind NotificationKind, result string)
}

// Results of a notification's delivery attempt.
const (
	DeliverySent      = "sent"
	DeliveryFailed    = "failed"    // tried again later
	DeliveryAbandoned = "abandoned" // the last attempt failed
	DeliveryDropped   = "dropped"   // a citizen's, with no address left
)

// nopObserver is the Observer of services built without one.
type nopObserver struct{}

func (nopObserver) ReportFiled(Kind, string, int64)                {}
func (nopObserver) FileKept(string, string, string, int64)         {}
func (nopObserver) NotificationDelivered(NotificationKind, string) {}

func observerOr(o Observer) Observer {
	if o == nil {
		return nopObserver{}
	}
	return o
}
