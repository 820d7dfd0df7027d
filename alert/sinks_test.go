package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"mime/quotedprintable"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

const testRoutingKey = "R0UT1NGKEYSYNTHETIC00000000000000"

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		mustNoErr(t, os.MkdirAll(filepath.Dir(path), 0o755))
		mustNoErr(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./alert -run %s -update): %v", t.Name(), err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file %s (rerun with -update if intended)\n--- got ---\n%s", t.Name(), path, got)
	}
}

func indentJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	mustNoErr(t, json.Indent(&out, b, "", "  "))
	out.WriteByte('\n')
	return out.Bytes()
}

// sinkCase builds a sink pointed at a loopback receiver and returns what
// that receiver got for one send.
type sinkCase struct {
	name string
	kind string // json or email
	chat bool   // shown to people: URLs must be defanged
	send func(t *testing.T, batch bool) []byte
}

func httpSinkCase(name string, chat bool, mk func(url string) Sink) sinkCase {
	return sinkCase{name: name, kind: "json", chat: chat, send: func(t *testing.T, batch bool) []byte {
		c := newCapture(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted) })
		s := mk(c.srv.URL)
		if batch {
			alerts := testAlertsN(3)
			alerts[1] = testAlert("msg_t0002", 101)
			mustNoErr(t, s.(BatchSink).SendBatch(context.Background(), digestID(alerts), alerts))
		} else {
			mustNoErr(t, s.Send(context.Background(), testAlert("msg_0123456789abcdef", 42)))
		}
		reqs := c.requests()
		if batch && name == "pagerduty" {
			// PagerDuty gets one event per finding (dedup_key per finding).
			if len(reqs) != 3 {
				t.Fatalf("%d requests, want 3", len(reqs))
			}
			parts := make([][]byte, len(reqs))
			for i, r := range reqs {
				parts[i] = r.Body
			}
			return append([]byte("["), append(bytes.Join(parts, []byte(",")), ']')...)
		}
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		return reqs[0].Body
	}}
}

// mustSink returns the sink a constructor built, panicking on its error
// (the case table builds sinks outside any test).
func mustSink[S Sink](s S, err error) S {
	if err != nil {
		panic(err)
	}
	return s
}

func allSinkCases() []sinkCase {
	fixed := func() time.Time { return fixedTime }
	return []sinkCase{
		httpSinkCase("webhook", false, func(u string) Sink {
			w := mustSink(NewWebhook("hook", u, vecSecret, nil))
			w.Now = fixed
			return w
		}),
		httpSinkCase("slack", true, func(u string) Sink { return mustSink(NewSlack("slack", u, nil)) }),
		httpSinkCase("teams", true, func(u string) Sink { return mustSink(NewTeams("teams", u, nil)) }),
		httpSinkCase("pagerduty", true, func(u string) Sink { return mustSink(NewPagerDuty("pd", testRoutingKey, u, nil)) }),
		{name: "email", kind: "email", chat: true, send: func(t *testing.T, batch bool) []byte {
			srv, _ := newSMTPServer(t, false, "", "")
			e, err := NewEmail("mail", EmailConfig{Addr: srv.addr(), From: "fentinel@unit.invalid", To: []string{"duty@unit.invalid"}}, "")
			mustNoErr(t, err)
			e.Now = fixed
			if batch {
				alerts := testAlertsN(3)
				alerts[1] = testAlert("msg_t0002", 101)
				mustNoErr(t, e.SendBatch(context.Background(), digestID(alerts), alerts))
			} else {
				mustNoErr(t, e.Send(context.Background(), testAlert("msg_0123456789abcdef", 42)))
			}
			msgs := srv.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d mails, want 1", len(msgs))
			}
			return []byte(msgs[0].Data)
		}},
	}
}

func TestGoldenPayloads(t *testing.T) {
	for _, sc := range allSinkCases() {
		for _, batch := range []bool{false, true} {
			name := sc.name
			if batch {
				name += "-digest"
			}
			t.Run(name, func(t *testing.T) {
				got := sc.send(t, batch)
				ext := ".eml"
				if sc.kind == "json" {
					got = indentJSON(t, got)
					ext = ".json"
				}
				golden(t, name+ext, got)
			})
		}
	}
}

var (
	liveOnion = regexp.MustCompile(`[a-z2-7]{56}\.onion`)
	liveURL   = regexp.MustCompile(`(?i)https?://`)
)

// TestContentSafety checks, for every sink, that hostile listing text
// cannot ping, link or inject markup, that the onion URL is present only as
// text, and that what a duty officer needs is there.
func TestContentSafety(t *testing.T) {
	a := testAlert("msg_0123456789abcdef", 42)
	defanged := defang(a.Event.URL)
	for _, sc := range allSinkCases() {
		t.Run(sc.name, func(t *testing.T) {
			body := sc.send(t, false)
			text := string(body)
			if sc.kind == "email" {
				text = decodeQP(t, body)
			} else {
				text = jsonStrings(t, body)
			}
			for _, bad := range []string{"<!channel>", "<!here>", "<b>", "<script", "\u202E", vecSecret} {
				if strings.Contains(text, bad) {
					t.Errorf("body contains %q", bad)
				}
			}
			if sc.chat {
				text = strings.ReplaceAll(text, "http://adaptivecards.io/schemas/adaptive-card.json", "")
				if strings.Contains(unescapeAll(sc.name, text), "](http") {
					t.Errorf("body contains a markdown link")
				}
				if liveOnion.MatchString(text) {
					t.Errorf("body contains a live onion host: %s", liveOnion.FindString(text))
				}
				if liveURL.MatchString(text) {
					t.Errorf("body contains a live URL")
				}
				if !strings.Contains(unescapeAll(sc.name, text), strings.ReplaceAll(defanged, "`", "'")) {
					t.Errorf("defanged URL %q missing", defanged)
				}
			}
			want := []string{"carfentanil", "critical", "42", "synthvendor"}
			if sc.name != "webhook" {
				want = append(want, "$120.00")
			}
			for _, w := range want {
				if !strings.Contains(strings.ToLower(unescapeAll(sc.name, text)), strings.ToLower(w)) {
					t.Errorf("body lacks %q", w)
				}
			}
			if sc.name == "slack" {
				assertSlackEscaped(t, body)
			}
		})
	}
}

// unescapeAll undoes the format's escaping so content checks see the text.
func unescapeAll(sink, s string) string {
	switch sink {
	case "teams":
		return regexp.MustCompile(`\\(.)`).ReplaceAllString(s, "$1")
	case "slack":
		return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	}
	return s
}

// assertSlackEscaped walks every string of a Slack message: none may
// contain a raw '<' or '>' (the start of a mention or link), and every
// mrkdwn object must be verbatim.
func assertSlackEscaped(t *testing.T, body []byte) {
	t.Helper()
	var v any
	mustNoErr(t, json.Unmarshal(body, &v))
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" && x["verbatim"] != true {
				t.Errorf("mrkdwn text without verbatim: %v", x["text"])
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if strings.ContainsAny(x, "<>") {
				t.Errorf("unescaped < or > in Slack text %q", x)
			}
		}
	}
	walk(v)
}

func decodeQP(t *testing.T, msg []byte) string {
	t.Helper()
	i := bytes.Index(msg, []byte("\r\n\r\n"))
	if i < 0 {
		t.Fatalf("no header/body separator")
	}
	head := string(msg[:i])
	var out bytes.Buffer
	r := quotedprintable.NewReader(bytes.NewReader(msg[i+4:]))
	if _, err := out.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return head + "\n\n" + out.String()
}

func TestPagerDutyEvent(t *testing.T) {
	c := newCapture(t, func(_ int, w http.ResponseWriter) {
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"status":"success","message":"Event processed","dedup_key":"fentinel-finding-42"}`)
	})
	pd, err := NewPagerDuty("pd", testRoutingKey, c.srv.URL, nil)
	mustNoErr(t, err)
	sevs := []struct {
		sev  fentinel.Severity
		want string
	}{
		{fentinel.SeverityCritical, "critical"},
		{fentinel.SeverityHigh, "error"},
		{fentinel.SeverityMedium, "warning"},
		{fentinel.SeverityLow, "info"},
	}
	for _, s := range sevs {
		a := testAlert("msg_pd_"+s.want, 42)
		a.Event.Severity = s.sev
		mustNoErr(t, pd.Send(context.Background(), a))
	}
	reqs := c.requests()
	if len(reqs) != len(sevs) {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs {
		var ev struct {
			RoutingKey  string `json:"routing_key"`
			EventAction string `json:"event_action"`
			DedupKey    string `json:"dedup_key"`
			Payload     struct {
				Summary, Severity, Source string
			} `json:"payload"`
		}
		mustNoErr(t, json.Unmarshal(r.Body, &ev))
		if ev.RoutingKey != testRoutingKey || ev.EventAction != "trigger" || ev.DedupKey != "fentinel-finding-42" {
			t.Errorf("event %d: %+v", i, ev)
		}
		if ev.Payload.Severity != sevs[i].want || ev.Payload.Summary == "" || ev.Payload.Source == "" {
			t.Errorf("event %d payload: %+v, want severity %s", i, ev.Payload, sevs[i].want)
		}
		if len(ev.DedupKey) > 255 || len(ev.Payload.Summary) > 1024 {
			t.Errorf("event %d exceeds PagerDuty limits", i)
		}
	}
}

func TestEmailDelivery(t *testing.T) {
	tests := []struct {
		name       string
		tls        bool
		user, pass string
		requireTLS bool
		dataFail   func(int) (int, string)
		wantErr    bool
		permanent  bool
		wantTLS    bool
	}{
		{name: "plain server, no auth"},
		{name: "STARTTLS and AUTH PLAIN", tls: true, user: "duty", pass: "synthetic-smtp-pass", wantTLS: true},
		{name: "require_tls without STARTTLS", requireTLS: true, wantErr: true},
		{name: "4xx is temporary", dataFail: func(int) (int, string) { return 451, "try later" }, wantErr: true},
		{name: "5xx is permanent", dataFail: func(int) (int, string) { return 554, "rejected" }, wantErr: true, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, pool := newSMTPServer(t, tt.tls, tt.user, tt.pass)
			srv.dataFail = tt.dataFail
			e, err := NewEmail("mail", EmailConfig{
				Addr: srv.addr(), From: "fentinel@unit.invalid", To: []string{"duty@unit.invalid", "lead@unit.invalid"},
				Username: tt.user, RequireTLS: tt.requireTLS,
			}, tt.pass)
			mustNoErr(t, err)
			if pool != nil {
				e.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
			}
			err = e.Send(context.Background(), testAlert("msg_mail1", 42))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if IsPermanent(err) != tt.permanent {
					t.Fatalf("permanent = %v, want %v (%v)", IsPermanent(err), tt.permanent, err)
				}
				if tt.pass != "" && strings.Contains(err.Error(), tt.pass) {
					t.Fatalf("error leaks the password")
				}
				return
			}
			msgs := srv.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			m := msgs[0]
			if m.TLS != tt.wantTLS || m.AuthUser != tt.user || m.From != "fentinel@unit.invalid" || len(m.To) != 2 {
				t.Fatalf("message envelope = %+v", m)
			}
			if !strings.Contains(m.Data, "Message-ID: <msg_mail1@fentinel.invalid>") {
				t.Fatalf("no stable Message-ID:\n%s", m.Data)
			}
			if strings.Contains(m.Data, tt.pass) && tt.pass != "" {
				t.Fatal("message contains the SMTP password")
			}
		})
	}
}

func TestEmailHeaderInjection(t *testing.T) {
	srv, _ := newSMTPServer(t, false, "", "")
	e, err := NewEmail("mail", EmailConfig{Addr: srv.addr(), From: "fentinel@unit.invalid", To: []string{"duty@unit.invalid"}}, "")
	mustNoErr(t, err)
	a := testAlert("msg_inject", 7)
	a.Event.Title = "fent\r\nBcc: victim@example.invalid\r\n\r\nbody"
	a.Event.Substances = []string{"fentanyl\nX-Injected: 1"}
	mustNoErr(t, e.Send(context.Background(), a))
	data := srv.messages()[0].Data
	head := data[:strings.Index(data, "\r\n\r\n")]
	for _, bad := range []string{"\r\nBcc:", "\r\nX-Injected:"} {
		if strings.Contains(head, bad) {
			t.Fatalf("header injection %q:\n%s", bad, head)
		}
	}
}

func TestEmailClosedPortIsTemporary(t *testing.T) {
	srv, _ := newSMTPServer(t, false, "", "")
	addr := srv.addr()
	srv.ln.Close()
	e, err := NewEmail("mail", EmailConfig{Addr: addr, From: "f@unit.invalid", To: []string{"d@unit.invalid"}}, "")
	mustNoErr(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = e.Send(ctx, testAlert("msg_x", 1))
	if err == nil || IsPermanent(err) {
		t.Fatalf("err = %v, want temporary", err)
	}
}

// jsonStrings returns every string (keys and values) of a JSON document,
// one per line, decoded.
func jsonStrings(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	mustNoErr(t, json.Unmarshal(body, &v))
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				b.WriteString(k + "\n")
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			b.WriteString(x + "\n")
		case float64:
			fmt.Fprintf(&b, "%v\n", x)
		}
	}
	walk(v)
	return b.String()
}
