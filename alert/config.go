package alert

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
	"go.yaml.in/yaml/v3"
)

// Sink types.
const (
	TypeWebhook   = "webhook"
	TypeSlack     = "slack"
	TypeTeams     = "teams"
	TypePagerDuty = "pagerduty"
	TypeEmail     = "email"
)

// Config is the alerting section of the configuration file:
//
//	alerts:
//	  dead_after: 24h
//	  sinks:
//	    - name: duty-slack
//	      type: slack
//	      secret_env: FENTINEL_SLACK_URL
//	      min_severity: high
type Config struct {
	DeadAfter  time.Duration `yaml:"dead_after"`  // failing alerts older than this become dead letters (default 24h)
	MinBackoff time.Duration `yaml:"min_backoff"` // first retry delay (default 2s)
	MaxBackoff time.Duration `yaml:"max_backoff"` // retry delay cap (default 10m)
	Sinks      []SinkConfig  `yaml:"sinks"`
}

// SinkConfig configures one alert sink and its route.
//
// The secret's meaning depends on the type: the whsec_ signing secret
// (webhook), the incoming-webhook URL (slack, teams: those URLs are
// credentials, so they may come from a secret instead of url), the
// integration routing key (pagerduty), the SMTP password (email). Secrets
// come from an environment variable (secret_env) or a file (secret_file),
// never from the YAML itself; they are never logged.
type SinkConfig struct {
	Name       string        `yaml:"name"`
	Type       string        `yaml:"type"` // webhook (default), slack, teams, pagerduty, email
	URL        string        `yaml:"url"`  // endpoint; pagerduty: Events API URL (default the public one)
	SecretEnv  string        `yaml:"secret_env"`
	SecretFile string        `yaml:"secret_file"`
	Secret     string        `yaml:"-"`       // resolved secret (or set directly from a flag)
	Timeout    time.Duration `yaml:"timeout"` // one attempt (default 15s)
	Digest     time.Duration `yaml:"digest"`  // 0: one message per alert; else one message per window

	// Routing, applied by the store when it queues alerts.
	MinSeverity fentinel.Severity        `yaml:"min_severity"`
	Classes     []string                 `yaml:"classes"`    // substance classes; empty: all
	Sites       []string                 `yaml:"sites"`      // onion hosts; empty: all
	PageKinds   []string                 `yaml:"page_kinds"` // listing, index, vendor, forum, article; empty: all
	OnNew       *bool                    `yaml:"on_new"`     // default true
	OnChange    *fentinel.ChangeTriggers `yaml:"on_change"`  // default fentinel.DefaultRoute's triggers

	Email EmailConfig `yaml:"email"`
}

var knownClasses = []string{
	fentinel.ClassFentanyl, fentinel.ClassAnalogue, fentinel.ClassNitazene, fentinel.ClassNSO,
	fentinel.ClassPrecursor, fentinel.ClassPill, fentinel.ClassAdulterant, fentinel.ClassSlang,
}

// ParseConfig reads the "alerts" section of a Fentinel YAML configuration
// document (other top-level keys are ignored). Unknown keys inside the
// section are errors that name the line.
func ParseConfig(data []byte) (Config, error) {
	var doc struct {
		Alerts yaml.Node `yaml:"alerts"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, fmt.Errorf("alert: config: %w", err)
	}
	var c Config
	if doc.Alerts.Kind == 0 {
		return c, nil
	}
	// Re-encode the section and decode it strictly, so typos are caught.
	raw, err := yaml.Marshal(&doc.Alerts)
	if err != nil {
		return c, fmt.Errorf("alert: config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("alert: config: alerts (starting line %d): %w", doc.Alerts.Line, err)
	}
	return c, c.Validate()
}

// LoadConfig reads the alerts section of the YAML file at path.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("alert: read config %s: %w", path, err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Validate checks every sink; errors name the key (alerts.sinks[i].field).
func (c Config) Validate() error {
	if c.DeadAfter < 0 || c.MinBackoff < 0 || c.MaxBackoff < 0 {
		return errors.New("alert: config: alerts: dead_after, min_backoff and max_backoff must not be negative")
	}
	names := map[string]bool{}
	for i, s := range c.Sinks {
		key := fmt.Sprintf("alerts.sinks[%d]", i)
		if err := s.validate(key); err != nil {
			return err
		}
		if names[s.Name] {
			return fmt.Errorf("alert: config: %s.name: duplicate sink name %q", key, s.Name)
		}
		names[s.Name] = true
	}
	return nil
}

func (s SinkConfig) typ() string {
	if s.Type == "" {
		return TypeWebhook
	}
	return strings.ToLower(s.Type)
}

func (s SinkConfig) validate(key string) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("alert: config: %s.%s: %s", key, field, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(s.Name) == "" {
		return bad("name", "required")
	}
	if strings.ContainsAny(s.Name, " \t\n") {
		return bad("name", "%q must not contain spaces", s.Name)
	}
	if s.SecretEnv != "" && s.SecretFile != "" {
		return bad("secret_env", "give secret_env or secret_file, not both")
	}
	if s.Digest < 0 || s.Timeout < 0 {
		return bad("digest", "durations must not be negative")
	}
	if s.Digest > 0 && s.Digest < time.Minute {
		return bad("digest", "%s is shorter than a minute", s.Digest)
	}
	for _, cl := range s.Classes {
		if !slices.Contains(knownClasses, cl) {
			return bad("classes", "unknown class %q (want one of %s)", cl, strings.Join(knownClasses, ", "))
		}
	}
	for _, site := range s.Sites {
		if strings.TrimSpace(site) == "" || strings.Contains(site, "/") {
			return bad("sites", "%q is not a host name", site)
		}
	}
	for _, k := range s.PageKinds {
		if !slices.Contains(fentinel.PageKinds, k) {
			return bad("page_kinds", "unknown page kind %q (want one of %s)", k, strings.Join(fentinel.PageKinds, ", "))
		}
	}
	hasSecretSource := s.SecretEnv != "" || s.SecretFile != "" || s.Secret != ""
	switch s.typ() {
	case TypeWebhook:
		if s.URL == "" {
			return bad("url", "required for a webhook")
		}
		if !hasSecretSource {
			return bad("secret_env", "a webhook needs a whsec_ signing secret (secret_env or secret_file)")
		}
	case TypeSlack, TypeTeams:
		if s.URL == "" && !hasSecretSource {
			return bad("url", "give url, or the URL as a secret (secret_env or secret_file)")
		}
		if s.URL != "" && hasSecretSource {
			return bad("url", "give url or a secret holding the URL, not both")
		}
	case TypePagerDuty:
		if !hasSecretSource {
			return bad("secret_env", "pagerduty needs the routing key as a secret")
		}
	case TypeEmail:
		if s.Email.Addr == "" || s.Email.From == "" || len(s.Email.To) == 0 {
			return bad("email", "addr, from and to are required")
		}
		if s.Email.Username != "" && !hasSecretSource {
			return bad("secret_env", "email username set but no password secret")
		}
	default:
		return bad("type", "unknown sink type %q (want webhook, slack, teams, pagerduty or email)", s.Type)
	}
	if s.URL != "" && s.typ() != TypeEmail {
		if err := checkHTTPURL(s.URL); err != nil {
			return bad("url", "%v", err)
		}
	}
	return nil
}

// ResolveSecret fills Secret from SecretFile or SecretEnv (via getenv).
// A Secret already set (e.g. from a flag) is kept.
func (s *SinkConfig) ResolveSecret(getenv func(string) string) error {
	if s.Secret != "" {
		return nil
	}
	switch {
	case s.SecretFile != "":
		b, err := os.ReadFile(s.SecretFile)
		if err != nil {
			return fmt.Errorf("alert: sink %s: read secret_file: %w", s.Name, err)
		}
		s.Secret = strings.TrimSpace(string(b))
		if s.Secret == "" {
			return fmt.Errorf("alert: sink %s: secret_file %s is empty", s.Name, s.SecretFile)
		}
	case s.SecretEnv != "":
		if getenv == nil {
			getenv = os.Getenv
		}
		s.Secret = strings.TrimSpace(getenv(s.SecretEnv))
		if s.Secret == "" {
			return fmt.Errorf("alert: sink %s: environment variable %s is empty or unset", s.Name, s.SecretEnv)
		}
	}
	return nil
}

// Route returns the routing rule the store applies for this sink.
func (s SinkConfig) Route() fentinel.Route {
	r := fentinel.DefaultRoute(s.Name)
	r.MinSeverity = s.MinSeverity
	r.Classes = slices.Clone(s.Classes)
	r.Sites = slices.Clone(s.Sites)
	r.PageKinds = slices.Clone(s.PageKinds)
	if s.OnNew != nil {
		r.OnNew = *s.OnNew
	}
	if s.OnChange != nil {
		r.OnChange = *s.OnChange
	}
	return r
}

// Routes returns one route per configured sink, for store.SavePage.
func (c Config) Routes() []fentinel.Route {
	out := make([]fentinel.Route, 0, len(c.Sinks))
	for _, s := range c.Sinks {
		out = append(out, s.Route())
	}
	return out
}

// Options returns the dispatcher options the configuration implies
// (dead-letter age, backoff, digest windows).
func (c Config) Options() []Option {
	var opts []Option
	if c.DeadAfter > 0 {
		opts = append(opts, WithDeadAfter(c.DeadAfter))
	}
	if c.MinBackoff > 0 || c.MaxBackoff > 0 {
		min, max := c.MinBackoff, c.MaxBackoff
		if min == 0 {
			min = DefaultMinBackoff
		}
		if max == 0 {
			max = DefaultMaxBackoff
		}
		opts = append(opts, WithBackoff(min, max))
	}
	for _, s := range c.Sinks {
		if s.Digest > 0 {
			opts = append(opts, WithDigest(s.Name, s.Digest))
		}
	}
	return opts
}

// BuildSink resolves the sink's secret (getenv nil means os.Getenv) and
// constructs it. Errors name the sink but never contain the secret.
func BuildSink(s SinkConfig, getenv func(string) string) (Sink, error) {
	if err := s.validate("sink " + s.Name); err != nil {
		return nil, err
	}
	if err := s.ResolveSecret(getenv); err != nil {
		return nil, err
	}
	var client *http.Client
	if s.Timeout > 0 {
		client = NewHTTPClient(s.Timeout)
	}
	switch s.typ() {
	case TypeWebhook:
		return NewWebhook(s.Name, s.URL, s.Secret, client)
	case TypeSlack:
		return NewSlack(s.Name, firstNonEmpty(s.URL, s.Secret), client)
	case TypeTeams:
		return NewTeams(s.Name, firstNonEmpty(s.URL, s.Secret), client)
	case TypePagerDuty:
		return NewPagerDuty(s.Name, s.Secret, s.URL, client)
	case TypeEmail:
		return NewEmail(s.Name, s.Email, s.Secret)
	}
	return nil, fmt.Errorf("alert: sink %s: unknown type %q", s.Name, s.Type)
}

// BuildSinks constructs every configured sink.
func BuildSinks(cfgs []SinkConfig, getenv func(string) string) ([]Sink, error) {
	out := make([]Sink, 0, len(cfgs))
	for _, c := range cfgs {
		s, err := BuildSink(c, getenv)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
