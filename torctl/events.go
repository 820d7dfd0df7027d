package torctl

import "strings"

// Event is one asynchronous event (reply code 650). Stream or Circ is set
// for STREAM and CIRC events; other types carry only Type and Raw.
type Event struct {
	Type   string       // event keyword, e.g. "STREAM", "CIRC", "NOTICE"
	Raw    string       // the event line after "650 " (first line for multi-line events)
	Data   []string     // further lines of a multi-line event
	Stream *StreamEvent // for Type == "STREAM"
	Circ   *CircEvent   // for Type == "CIRC"
}

// StreamEvent is a parsed STREAM event (control-spec "Stream status changed").
type StreamEvent struct {
	ID            string
	Status        string // NEW, SENTCONNECT, SUCCEEDED, FAILED, CLOSED, DETACHED, ...
	CircID        string // "0" while unattached
	Target        string // host:port as the client asked for it
	Reason        string
	RemoteReason  string
	Purpose       string
	ClientAddr    string // SOURCE_ADDR
	SOCKSUsername string
	SOCKSPassword string // the isolation credential, not a secret of the operator; do not log
	NymEpoch      string
	IsoFields     []string
}

// Host returns the host part of Target.
func (s *StreamEvent) Host() string {
	if i := strings.LastIndexByte(s.Target, ':'); i >= 0 {
		return s.Target[:i]
	}
	return s.Target
}

// CircEvent is a parsed CIRC event (control-spec "Circuit status changed").
type CircEvent struct {
	ID            string
	Status        string   // LAUNCHED, BUILT, GUARD_WAIT, EXTENDED, FAILED, CLOSED
	Path          []string // "$FINGERPRINT~nickname" per hop
	BuildFlags    []string
	Purpose       string // GENERAL, HS_CLIENT_REND, HS_SERVICE_INTRO, ...
	HSState       string
	RendQuery     string // onion address (without .onion) for HS circuits
	Reason        string
	RemoteReason  string
	SOCKSUsername string
	SOCKSPassword string
}

// ParseEvent parses an event line as it follows "650 " on the wire, e.g.
// `STREAM 12 SUCCEEDED 5 abc….onion:80 SOCKS_USERNAME="alice"`.
func ParseEvent(line string) Event {
	return parseEvent(Reply{Code: 650, Lines: []ReplyLine{{Text: line}}})
}

func parseEvent(r Reply) Event {
	var ev Event
	if len(r.Lines) == 0 {
		return ev
	}
	ev.Raw = r.Lines[0].Text
	ev.Data = append(ev.Data, r.Lines[0].Data...)
	for _, l := range r.Lines[1:] {
		ev.Data = append(ev.Data, l.Text)
		ev.Data = append(ev.Data, l.Data...)
	}
	f := tokenize(ev.Raw)
	if len(f) == 0 {
		return ev
	}
	ev.Type = f[0].Key
	pos := positional(f[1:])
	switch ev.Type {
	case "STREAM":
		s := &StreamEvent{
			ID:            at(pos, 0),
			Status:        at(pos, 1),
			CircID:        at(pos, 2),
			Target:        at(pos, 3),
			Reason:        f.get("REASON"),
			RemoteReason:  f.get("REMOTE_REASON"),
			Purpose:       f.get("PURPOSE"),
			ClientAddr:    f.get("SOURCE_ADDR"),
			SOCKSUsername: f.get("SOCKS_USERNAME"),
			SOCKSPassword: f.get("SOCKS_PASSWORD"),
			NymEpoch:      f.get("NYM_EPOCH"),
		}
		if iso := f.get("ISO_FIELDS"); iso != "" {
			s.IsoFields = strings.Split(iso, ",")
		}
		ev.Stream = s
	case "CIRC":
		c := &CircEvent{
			ID:            at(pos, 0),
			Status:        at(pos, 1),
			Purpose:       f.get("PURPOSE"),
			HSState:       f.get("HS_STATE"),
			RendQuery:     f.get("REND_QUERY"),
			Reason:        f.get("REASON"),
			RemoteReason:  f.get("REMOTE_REASON"),
			SOCKSUsername: f.get("SOCKS_USERNAME"),
			SOCKSPassword: f.get("SOCKS_PASSWORD"),
		}
		if p := at(pos, 2); p != "" {
			c.Path = strings.Split(p, ",")
		}
		if bf := f.get("BUILD_FLAGS"); bf != "" {
			c.BuildFlags = strings.Split(bf, ",")
		}
		ev.Circ = c
	}
	return ev
}

// positional returns the leading bare words (before the first KEY=VALUE).
func positional(fs fields) []string {
	var out []string
	for _, f := range fs {
		if f.HasValue {
			break
		}
		out = append(out, f.Key)
	}
	return out
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}
