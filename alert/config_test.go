package alert

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

func testEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var testSecrets = map[string]string{
	"TEST_WEBHOOK_SECRET": otherSecret,
	"TEST_SLACK_URL":      "https://hooks.slack.invalid/services/T0SYNTH/B0SYNTH/SYNTHETICTOKEN",
	"TEST_PD_KEY":         testRoutingKey,
	"TEST_SMTP_PASS":      "synthetic-smtp-password",
}

func TestLoadConfigRoutesAndSinks(t *testing.T) {
	c, err := LoadConfig("testdata/alerts.yaml")
	mustNoErr(t, err)
	if c.DeadAfter != 6*time.Hour || c.MinBackoff != time.Second || c.MaxBackoff != 5*time.Minute {
		t.Fatalf("durations: %+v", c)
	}
	got := c.Routes()
	def := fentinel.DefaultRoute("x").OnChange
	want := []fentinel.Route{
		{Sink: "soc-webhook", OnNew: true, OnChange: def},
		{Sink: "duty-slack", MinSeverity: fentinel.SeverityHigh, Classes: []string{"fentanyl", "analogue", "nitazene"}, PageKinds: []string{fentinel.PageListing}, OnNew: true, OnChange: def},
		{Sink: "teams-intel", OnNew: true, OnChange: fentinel.ChangeTriggers{NewSubstance: true, PriceChangePct: 50}},
		{Sink: "pager", MinSeverity: fentinel.SeverityCritical, OnNew: true, OnChange: def},
		{Sink: "mail", Sites: []string{"adifuhi6ujits3kvpl55iwelhrwztw7ls4x62efdevroujw43t5kanad.onion"}, OnChange: fentinel.ChangeTriggers{NewVendor: true}},
	}
	for i := range want {
		if want[i].Classes == nil {
			want[i].Classes = []string{}
		}
		if want[i].Sites == nil {
			want[i].Sites = []string{}
		}
		g := got[i]
		if g.Classes == nil {
			g.Classes = []string{}
		}
		if g.Sites == nil {
			g.Sites = []string{}
		}
		if !reflect.DeepEqual(g, want[i]) {
			t.Errorf("route %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
	// Routing decisions through the root package's matcher.
	slack := got[1]
	if slack.Matches(fentinel.SeverityMedium, []string{"fentanyl"}, "a.onion", fentinel.PageListing) {
		t.Error("duty-slack matched a medium finding")
	}
	if slack.Matches(fentinel.SeverityHigh, []string{"precursor"}, "a.onion", fentinel.PageListing) {
		t.Error("duty-slack matched a precursor-only finding")
	}
	if !slack.Matches(fentinel.SeverityCritical, []string{"precursor", "nitazene"}, "a.onion", fentinel.PageListing) {
		t.Error("duty-slack missed a critical nitazene listing")
	}
	if slack.Matches(fentinel.SeverityCritical, []string{"nitazene"}, "a.onion", fentinel.PageIndex) {
		t.Error("duty-slack matched a category page")
	}
	if !slack.Matches(fentinel.SeverityCritical, []string{"nitazene"}, "a.onion", "") {
		t.Error("duty-slack dropped a page of unknown kind")
	}
	if got[4].Matches(fentinel.SeverityCritical, nil, "other.onion", "") {
		t.Error("mail matched another site")
	}

	sinks, err := BuildSinks(c.Sinks, testEnv(testSecrets))
	mustNoErr(t, err)
	types := []string{"*alert.Webhook", "*alert.Slack", "*alert.Teams", "*alert.PagerDuty", "*alert.Email"}
	for i, s := range sinks {
		if typ := reflect.TypeOf(s).String(); typ != types[i] || s.Name() != c.Sinks[i].Name {
			t.Errorf("sink %d = %s %q", i, typ, s.Name())
		}
	}
	if teams := sinks[2].(*Teams); !strings.Contains(teams.url, "SYNTHETICSIG") {
		t.Error("teams URL not read from secret_file")
	}
	d := NewDispatcher(nil, sinks, c.Options()...)
	if d.digest["teams-intel"] != 15*time.Minute || len(d.digest) != 1 || d.deadAfter != 6*time.Hour || d.minBackoff != time.Second {
		t.Errorf("dispatcher options not applied: digest %v dead %s", d.digest, d.deadAfter)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "alerts:\n  sinks:\n    - name: a\n      typo: 1\n", "field typo not found"},
		{"no name", "alerts:\n  sinks:\n    - type: slack\n      url: https://x.invalid/\n", "alerts.sinks[0].name: required"},
		{"duplicate", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/'}\n    - {name: a, type: slack, url: 'https://y.invalid/'}\n", "alerts.sinks[1].name: duplicate"},
		{"unknown type", "alerts:\n  sinks:\n    - {name: a, type: fax}\n", "alerts.sinks[0].type: unknown sink type"},
		{"bad severity", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/', min_severity: urgent}\n", "unknown severity"},
		{"bad class", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/', classes: [heroin]}\n", "alerts.sinks[0].classes: unknown class"},
		{"bad page kind", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/', page_kinds: [category]}\n", "alerts.sinks[0].page_kinds: unknown page kind \"category\""},
		{"webhook without secret", "alerts:\n  sinks:\n    - {name: a, url: 'https://x.invalid/'}\n", "alerts.sinks[0].secret_env"},
		{"slack url twice", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/', secret_env: S}\n", "alerts.sinks[0].url: give url or"},
		{"pagerduty without key", "alerts:\n  sinks:\n    - {name: a, type: pagerduty}\n", "routing key"},
		{"email incomplete", "alerts:\n  sinks:\n    - {name: a, type: email, email: {addr: 'm:25'}}\n", "alerts.sinks[0].email"},
		{"short digest", "alerts:\n  sinks:\n    - {name: a, type: slack, url: 'https://x.invalid/', digest: 10s}\n", "alerts.sinks[0].digest"},
		{"bad duration", "alerts:\n  dead_after: soon\n", "soon"},
		{"ftp url", "alerts:\n  sinks:\n    - {name: a, type: teams, url: 'ftp://x.invalid/'}\n", "alerts.sinks[0].url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if c, err := ParseConfig([]byte("db: x.db\n")); err != nil || len(c.Sinks) != 0 {
		t.Fatalf("config without alerts section: %v %+v", err, c)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	tests := []struct {
		name   string
		sink   SinkConfig
		env    map[string]string
		secret string
	}{
		{"bad webhook secret", SinkConfig{Name: "w", URL: "https://x.invalid/", SecretEnv: "S"}, map[string]string{"S": "whsec_NOT*BASE64*SECRETVALUE"}, "NOT*BASE64*SECRETVALUE"},
		{"slack URL secret is not a URL", SinkConfig{Name: "s", Type: "slack", SecretEnv: "S"}, map[string]string{"S": "hooks.slack.invalid/services/SECRETTOKEN"}, "SECRETTOKEN"},
		{"unset variable", SinkConfig{Name: "p", Type: "pagerduty", SecretEnv: "MISSING"}, nil, "MISSING-VALUE-NEVER-SET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildSink(tt.sink, testEnv(tt.env))
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}
