package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// maxDigestItems caps how many findings one chat digest lists in full.
const maxDigestItems = 20

// fact is one labelled line of an alert, shared by the chat and email formats.
type fact struct{ Label, Value string }

// facts lists what a duty officer needs, in reading order. The URL is
// defanged (not a live link); the caller escapes values for its format.
func (v view) facts() []fact {
	f := []fact{
		{"Severity", fmt.Sprintf("%s (score %s)", v.Severity, strconv.FormatFloat(v.Score, 'f', 2, 64))},
		{"Substances", v.substancesText()},
		{"Market", defangHost(v.Site)},
		{"Price", v.Price},
		{"Vendor", v.Vendor},
		{"First seen", v.firstSeenText()},
		{"Finding", fmt.Sprintf("#%d", v.FindingID)},
	}
	if v.PageKind != "" {
		// after the market: "index" tells the officer it is a category
		// or search page listing offers, not one listing
		f = slices.Insert(f, 3, fact{"Page", v.PageKind})
	}
	if c := v.changesText(); c != "" {
		f = append(f, fact{"Changed", c})
	}
	return f
}

// ---------------------------------------------------------------- Slack

// Slack posts to a Slack incoming webhook using Block Kit. Every piece of
// listing text is escaped (&, <, >) and sent with verbatim mrkdwn, so a
// title such as "<!channel>" or "@here" can neither ping nor link; the
// listing URL is defanged.
type Slack struct {
	chatSink
}

// chatSink is what the Slack and Teams sinks share: a name, a webhook URL
// that is a secret (never in errors or logs), and the client posting to it.
type chatSink struct {
	name   string
	url    string
	client *http.Client
}

// newChatSink checks a chat webhook URL (kind names the sink type in the
// error) and defaults the client.
func newChatSink(kind, name, rawURL string, client *http.Client) (chatSink, error) {
	if err := checkHTTPURL(rawURL); err != nil {
		return chatSink{}, fmt.Errorf("alert: %s %s: %w", kind, name, err)
	}
	if client == nil {
		client = NewHTTPClient(DefaultTimeout)
	}
	return chatSink{name: name, url: rawURL, client: client}, nil
}

// Name returns the sink's name.
func (c *chatSink) Name() string { return c.name }

// send posts a message body; err is the error building the body gave, a
// permanent delivery failure.
func (c *chatSink) send(ctx context.Context, body []byte, err error) error {
	if err != nil {
		return &DeliveryError{Sink: c.name, Permanent: true, Err: err}
	}
	return postJSON(ctx, c.client, c.name, c.url, nil, body, time.Now, nil)
}

// NewSlack returns a Slack incoming-webhook sink. The webhook URL is a
// secret: it never appears in errors or logs.
func NewSlack(name, webhookURL string, client *http.Client) (*Slack, error) {
	c, err := newChatSink("slack", name, webhookURL, client)
	if err != nil {
		return nil, err
	}
	return &Slack{chatSink: c}, nil
}

// slackEscape escapes the three characters Slack treats as control
// sequences in message text.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackCode renders text inside an inline code span (no backticks inside).
func slackCode(s string) string {
	return "`" + slackEscape(strings.ReplaceAll(s, "`", "'")) + "`"
}

type slackText struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim,omitempty"`
	Emoji    *bool  `json:"emoji,omitempty"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackMessage struct {
	Text        string       `json:"text"`
	Blocks      []slackBlock `json:"blocks"`
	UnfurlLinks bool         `json:"unfurl_links"`
	UnfurlMedia bool         `json:"unfurl_media"`
}

func mrkdwn(s string) slackText { return slackText{Type: "mrkdwn", Text: s, Verbatim: true} }

func plain(s string) *slackText {
	no := false
	return &slackText{Type: "plain_text", Text: slackEscape(truncate(s, 150)), Emoji: &no}
}

// slackAlertBlocks renders one alert as blocks.
func slackAlertBlocks(a fentinel.Alert) []slackBlock {
	v := newView(a)
	fields := make([]slackText, 0, 8)
	for _, f := range v.facts() {
		fields = append(fields, mrkdwn("*"+f.Label+"*\n"+slackEscape(f.Value)))
	}
	if len(fields) > 10 {
		fields = fields[:10]
	}
	blocks := []slackBlock{
		{Type: "section", Text: ptr(mrkdwn("*" + slackEscape(v.Title) + "*")), Fields: fields},
		{Type: "section", Text: ptr(mrkdwn("*Listing URL* (copy into Tor Browser)\n" + slackCode(v.Defanged)))},
	}
	if v.Snippet != "" {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{mrkdwn("Evidence: " + slackEscape(v.Snippet))}})
	}
	blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{mrkdwn(fmt.Sprintf("Fentinel · fentinel show %d · alert %s", v.FindingID, slackEscape(v.AlertID)))}})
	return blocks
}

func ptr[T any](v T) *T { return &v }

// SlackMessage builds the JSON body for one alert (exported for tests and
// for `fentinel alerts test --dry-run`).
func SlackMessage(a fentinel.Alert) ([]byte, error) {
	v := newView(a)
	msg := slackMessage{
		Text:   slackEscape(v.headline()),
		Blocks: append([]slackBlock{{Type: "header", Text: plain(strings.ToUpper(v.Severity.String()) + " · " + v.substancesText())}}, slackAlertBlocks(a)...),
	}
	return json.Marshal(msg)
}

// SlackDigest builds the JSON body for a digest of several alerts.
func SlackDigest(alerts []fentinel.Alert) ([]byte, error) {
	head := fmt.Sprintf("%d new fentanyl-class findings (highest: %s)", len(alerts), maxSeverity(alerts))
	msg := slackMessage{Text: slackEscape(head), Blocks: []slackBlock{{Type: "header", Text: plain(head)}}}
	for i, a := range alerts {
		if i == maxDigestItems {
			msg.Blocks = append(msg.Blocks, slackBlock{Type: "context", Elements: []slackText{mrkdwn(fmt.Sprintf("…and %d more: run `fentinel findings --since 1h`", len(alerts)-maxDigestItems))}})
			break
		}
		v := newView(a)
		line := fmt.Sprintf("*%s* %s — %s\n%s · %s · vendor %s · #%d\n%s",
			strings.ToUpper(v.Severity.String()), slackEscape(v.substancesText()), slackEscape(v.Title),
			slackEscape(defangHost(v.Site)), slackEscape(v.Price), slackEscape(v.Vendor), v.FindingID, slackCode(v.Defanged))
		msg.Blocks = append(msg.Blocks, slackBlock{Type: "divider"}, slackBlock{Type: "section", Text: ptr(mrkdwn(line))})
	}
	return json.Marshal(msg)
}

// Send posts one alert.
func (s *Slack) Send(ctx context.Context, a fentinel.Alert) error {
	body, err := SlackMessage(a)
	return s.send(ctx, body, err)
}

// SendBatch posts a digest.
func (s *Slack) SendBatch(ctx context.Context, _ string, alerts []fentinel.Alert) error {
	body, err := SlackDigest(alerts)
	return s.send(ctx, body, err)
}

// ---------------------------------------------------------------- Teams

// Teams posts an Adaptive Card to a Microsoft Teams Workflows webhook
// ("Post to a channel when a webhook request is received"), wrapped in the
// message/attachments envelope the Workflow template expects.
type Teams struct {
	chatSink
}

// NewTeams returns a Teams Workflows sink. The URL carries a signature
// and is treated as a secret.
func NewTeams(name, workflowURL string, client *http.Client) (*Teams, error) {
	c, err := newChatSink("teams", name, workflowURL, client)
	if err != nil {
		return nil, err
	}
	return &Teams{chatSink: c}, nil
}

// teamsEscape backslash-escapes the markdown that Adaptive Card text
// blocks interpret, so listing text cannot form links or formatting.
func teamsEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '[', ']', '(', ')', '`', '#', '>', '<', '~', '|', '!':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string           `json:"$schema"`
	Type    string           `json:"type"`
	Version string           `json:"version"`
	Body    []map[string]any `json:"body"`
}

func teamsEnvelope(body []map[string]any) teamsMessage {
	return teamsMessage{
		Type: "message",
		Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content: teamsCard{
				Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
				Type:    "AdaptiveCard",
				Version: "1.4",
				Body:    body,
			},
		}},
	}
}

func textBlock(text string, extra map[string]any) map[string]any {
	m := map[string]any{"type": "TextBlock", "text": text, "wrap": true}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func teamsColor(s fentinel.Severity) string {
	if s >= fentinel.SeverityHigh {
		return "Attention"
	}
	return "Warning"
}

func teamsAlertBody(a fentinel.Alert) []map[string]any {
	v := newView(a)
	facts := []map[string]string{}
	for _, f := range v.facts() {
		facts = append(facts, map[string]string{"title": f.Label, "value": teamsEscape(f.Value)})
	}
	facts = append(facts, map[string]string{"title": "URL", "value": teamsEscape(v.Defanged)})
	body := []map[string]any{
		textBlock(teamsEscape(strings.ToUpper(v.Severity.String())+" · "+v.substancesText()), map[string]any{"weight": "Bolder", "size": "Medium", "color": teamsColor(v.Severity)}),
		textBlock(teamsEscape(v.Title), map[string]any{"weight": "Bolder"}),
		{"type": "FactSet", "facts": facts},
	}
	if v.Snippet != "" {
		body = append(body, textBlock("Evidence: "+teamsEscape(v.Snippet), map[string]any{"isSubtle": true}))
	}
	body = append(body, textBlock(teamsEscape(fmt.Sprintf("fentinel show %d · alert %s", v.FindingID, v.AlertID)), map[string]any{"isSubtle": true, "size": "Small"}))
	return body
}

// TeamsMessage builds the JSON body for one alert.
func TeamsMessage(a fentinel.Alert) ([]byte, error) {
	return json.Marshal(teamsEnvelope(teamsAlertBody(a)))
}

// TeamsDigest builds the JSON body for a digest.
func TeamsDigest(alerts []fentinel.Alert) ([]byte, error) {
	head := fmt.Sprintf("%d new fentanyl-class findings (highest: %s)", len(alerts), maxSeverity(alerts))
	body := []map[string]any{textBlock(teamsEscape(head), map[string]any{"weight": "Bolder", "size": "Medium", "color": teamsColor(maxSeverity(alerts))})}
	for i, a := range alerts {
		if i == maxDigestItems {
			body = append(body, textBlock(teamsEscape(fmt.Sprintf("…and %d more: run fentinel findings --since 1h", len(alerts)-maxDigestItems)), nil))
			break
		}
		v := newView(a)
		line := fmt.Sprintf("%s %s — %s\n\n%s · %s · vendor %s · #%d · %s",
			strings.ToUpper(v.Severity.String()), v.substancesText(), v.Title, defangHost(v.Site), v.Price, v.Vendor, v.FindingID, v.Defanged)
		body = append(body, textBlock(teamsEscape(line), map[string]any{"separator": true}))
	}
	return json.Marshal(teamsEnvelope(body))
}

// Send posts one alert.
func (t *Teams) Send(ctx context.Context, a fentinel.Alert) error {
	body, err := TeamsMessage(a)
	return t.send(ctx, body, err)
}

// SendBatch posts a digest.
func (t *Teams) SendBatch(ctx context.Context, _ string, alerts []fentinel.Alert) error {
	body, err := TeamsDigest(alerts)
	return t.send(ctx, body, err)
}
