package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// EmailConfig says where and how a mail sink sends.
type EmailConfig struct {
	Addr       string   `yaml:"addr"`        // SMTP server host:port (e.g. mail.unit.example:587)
	From       string   `yaml:"from"`        // envelope and header sender
	To         []string `yaml:"to"`          // recipients
	Username   string   `yaml:"username"`    // SMTP AUTH user; the password is the sink's secret
	RequireTLS bool     `yaml:"require_tls"` // refuse to send when the server offers no STARTTLS
}

// Email sends alerts as plain-text mail through an SMTP server, upgrading
// the connection with STARTTLS whenever the server offers it. The
// Message-ID is derived from the alert id, so a resent alert can be
// recognised as the same message.
type Email struct {
	name     string
	cfg      EmailConfig
	host     string
	password string
	// TLS configures STARTTLS; nil means a default config for the host.
	TLS *tls.Config
	// Now gives the Date header; time.Now when nil.
	Now func() time.Time
}

// NewEmail returns an SMTP sink. password may be empty (no AUTH).
func NewEmail(name string, cfg EmailConfig, password string) (*Email, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("alert: email %s: addr %q must be host:port", name, cfg.Addr)
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("alert: email %s: from %q: %w", name, cfg.From, err)
	}
	if len(cfg.To) == 0 {
		return nil, fmt.Errorf("alert: email %s: no recipients (to)", name)
	}
	for _, t := range cfg.To {
		if _, err := mail.ParseAddress(t); err != nil {
			return nil, fmt.Errorf("alert: email %s: to %q: %w", name, t, err)
		}
	}
	if cfg.Username != "" && password == "" {
		return nil, fmt.Errorf("alert: email %s: username set but no password secret", name)
	}
	return &Email{name: name, cfg: cfg, host: host, password: password}, nil
}

// Name returns the sink's name.
func (e *Email) Name() string { return e.name }

func (e *Email) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// headerSafe removes line breaks so listing text cannot inject headers.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

// EmailMessage builds the RFC 5322 message for an alert.
func (e *Email) EmailMessage(a fentinel.Alert) []byte {
	v := newView(a)
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n", v.headline())
	fmt.Fprintf(&body, "%-11s %s\n", "Title:", v.Title)
	for _, f := range v.facts() {
		fmt.Fprintf(&body, "%-11s %s\n", f.Label+":", f.Value)
	}
	fmt.Fprintf(&body, "%-11s %s\n", "URL:", v.Defanged)
	body.WriteString("            (defanged: in Tor Browser, type hxxp as http and [.] as .)\n")
	if v.Snippet != "" {
		fmt.Fprintf(&body, "%-11s \"%s\"\n", "Evidence:", v.Snippet)
	}
	fmt.Fprintf(&body, "\nDetails: fentinel show %d\nAlert id: %s\n", v.FindingID, v.AlertID)
	return e.compose(v.AlertID, "[Fentinel] "+v.headline(), body.String())
}

// EmailDigest builds one message listing several alerts.
func (e *Email) EmailDigest(id string, alerts []fentinel.Alert) []byte {
	var body strings.Builder
	subject := fmt.Sprintf("[Fentinel] %d new fentanyl-class findings (highest: %s)", len(alerts), maxSeverity(alerts))
	fmt.Fprintf(&body, "%d new findings.\n", len(alerts))
	for i, a := range alerts {
		v := newView(a)
		fmt.Fprintf(&body, "\n%d. %s\n", i+1, v.headline())
		for _, f := range v.facts() {
			fmt.Fprintf(&body, "   %-11s %s\n", f.Label+":", f.Value)
		}
		fmt.Fprintf(&body, "   %-11s %s\n", "URL:", v.Defanged)
		if v.Snippet != "" {
			fmt.Fprintf(&body, "   %-11s \"%s\"\n", "Evidence:", v.Snippet)
		}
	}
	fmt.Fprintf(&body, "\nURLs are defanged: in Tor Browser, type hxxp as http and [.] as .\nDigest id: %s\n", id)
	return e.compose(id, subject, body.String())
}

func (e *Email) compose(id, subject, text string) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, headerSafe(v)) }
	h("From", e.cfg.From)
	h("To", strings.Join(e.cfg.To, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", truncate(subject, 200)))
	h("Date", e.now().UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+id+"@fentinel.invalid>")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	h("X-Fentinel-Alert-Id", id)
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	_ = qp.Close()
	return b.Bytes()
}

// Send mails one alert.
func (e *Email) Send(ctx context.Context, a fentinel.Alert) error {
	return e.send(ctx, e.EmailMessage(a))
}

// SendBatch mails a digest.
func (e *Email) SendBatch(ctx context.Context, id string, alerts []fentinel.Alert) error {
	return e.send(ctx, e.EmailDigest(id, alerts))
}

func (e *Email) send(ctx context.Context, msg []byte) (err error) {
	fail := func(err error) error { return e.classify(err) }
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.cfg.Addr)
	if err != nil {
		return fail(err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Closing the connection is what interrupts a blocked exchange when ctx ends.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return fail(err)
	}
	defer c.Close()
	if err := c.Hello("fentinel.invalid"); err != nil {
		return fail(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := e.TLS
		if tc == nil {
			tc = &tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(tc); err != nil {
			return fail(fmt.Errorf("starttls: %w", err))
		}
	} else if e.cfg.RequireTLS {
		return &DeliveryError{Sink: e.name, Err: errors.New("server does not offer STARTTLS and require_tls is set")}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, e.password, e.host)); err != nil {
			return fail(fmt.Errorf("auth: %w", err))
		}
	}
	if err := c.Mail(e.cfg.From); err != nil {
		return fail(err)
	}
	for _, to := range e.cfg.To {
		if err := c.Rcpt(to); err != nil {
			return fail(err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fail(err)
	}
	if _, err := w.Write(msg); err != nil {
		return fail(err)
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	_ = c.Quit()
	return nil
}

// classify maps SMTP replies to delivery errors: 5xx permanent, the rest
// (4xx, network, TLS) temporary. The password never appears.
func (e *Email) classify(err error) error {
	de := &DeliveryError{Sink: e.name, Err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		de.Status = te.Code
		de.Permanent = te.Code >= 500 && te.Code < 600
	}
	if e.password != "" && strings.Contains(err.Error(), e.password) {
		de.Err = errors.New(strings.ReplaceAll(err.Error(), e.password, "[redacted]"))
	}
	return de
}
