package services

// Channel is how a report reached the portal (docs/intake.md, "Channels").
// The web form and Open311 clients file for themselves; a staff member
// files a report brought to a reception day, told on the hotline or sent
// by mail on behalf of the citizen.
type Channel = string

// The channels.
const (
	// ChannelWeb is the portal's own web form (and its API).
	ChannelWeb Channel = "web"
	// ChannelOpen311 is a client of the Open311 GeoReport v2 interface,
	// identified by its API key.
	ChannelOpen311 Channel = "open311"
	// ChannelReception is a citizen received in person (tiếp công dân).
	ChannelReception Channel = "reception"
	// ChannelHotline is a citizen who telephoned.
	ChannelHotline Channel = "hotline"
	// ChannelMail is a letter.
	ChannelMail Channel = "mail"
)

// Channels lists every channel, in the order reports show them.
var Channels = []Channel{ChannelWeb, ChannelOpen311, ChannelReception, ChannelHotline, ChannelMail}

// ChannelNames are the channels' names for people.
var ChannelNames = map[Channel]Text{
	ChannelWeb:       {VI: "Cổng trực tuyến", EN: "Web portal"},
	ChannelOpen311:   {VI: "Ứng dụng Open311", EN: "Open311 application"},
	ChannelReception: {VI: "Tiếp công dân trực tiếp", EN: "In person at reception"},
	ChannelHotline:   {VI: "Đường dây nóng", EN: "Hotline"},
	ChannelMail:      {VI: "Thư gửi đến", EN: "Letter"},
}

// StaffChannel reports whether ch is a channel a staff member files on: the citizen is
// not at the keyboard.
func StaffChannel(ch Channel) bool {
	return ch == ChannelReception || ch == ChannelHotline || ch == ChannelMail
}

// ChannelOf is the channel of a report; reports filed before channels were
// recorded came through the web form.
func ChannelOf(c Case) Channel {
	if c.Channel == "" {
		return ChannelWeb
	}
	return c.Channel
}
