package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fentinel/fentinel/alert"
	"github.com/fentinel/fentinel/schedule"
)

// config is Fentinel's one configuration struct. It is loaded from the YAML
// file given with --config, then FENTINEL_* environment variables, then
// command-line flags (flags win), and validated once.
type config struct {
	DB          string        `yaml:"db"`
	Proxy       string        `yaml:"proxy"`
	Rules       string        `yaml:"rules"`
	Listen      string        `yaml:"listen"`
	LogFormat   string        `yaml:"log_format"` // auto, json, text
	LogLevel    string        `yaml:"log_level"`  // debug, info, warn, error
	AlertWait   duration      `yaml:"alert_wait"` // how long crawl waits for pending alerts
	Crawl       crawlSettings `yaml:"crawl"`
	Webhooks    []webhookConf `yaml:"webhooks"`
	Alerts      alert.Config  `yaml:"alerts"` // sinks of every type, their routes and retry policy
	Targets     []targetConf  `yaml:"targets"`
	ControlPort string        `yaml:"control_port"` // Tor control port host:port (optional)
	ControlAuth string        `yaml:"control_cookie"`
	// APITokenFile holds the bearer token the findings API requires (serve);
	// empty: the API is open to whoever reaches listen.
	APITokenFile string `yaml:"api_token_file"`
	apiToken     string // read from APITokenFile by applyEnv
}

// crawlSettings are the per-crawl knobs; targets may override them.
type crawlSettings struct {
	MaxPages     int      `yaml:"max_pages"`
	MaxDepth     int      `yaml:"max_depth"`
	Concurrency  int      `yaml:"concurrency"`
	PerHost      int      `yaml:"per_host"`
	Timeout      duration `yaml:"timeout"`
	MaxBodyBytes int64    `yaml:"max_body_bytes"`
	Cookies      []string `yaml:"cookies"`
	CookiesFile  string   `yaml:"cookies_file"`
}

// webhookConf is a generic Standard Webhooks sink.
type webhookConf struct {
	Name       string `yaml:"name"`
	URL        string `yaml:"url"`
	Secret     string `yaml:"-"` // never read from the file itself: use secret_env or secret_file
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
}

// targetConf is one scheduled crawl target (used by serve).
type targetConf struct {
	Name     string        `yaml:"name"`
	Seeds    []string      `yaml:"seeds"`
	Every    duration      `yaml:"every"`
	Schedule string        `yaml:"schedule"`
	Rules    string        `yaml:"rules"`
	Crawl    crawlSettings `yaml:"crawl"`
}

// defaultConfig returns the built-in defaults.
func defaultConfig() config {
	return config{
		DB:        "fentinel.db",
		Proxy:     "socks5h://127.0.0.1:9050",
		Listen:    "127.0.0.1:9464",
		LogFormat: "auto",
		LogLevel:  "info",
		AlertWait: duration(30 * time.Second),
		Crawl: crawlSettings{
			MaxPages:     1000,
			MaxDepth:     5,
			Concurrency:  8,
			PerHost:      4,
			Timeout:      duration(90 * time.Second),
			MaxBodyBytes: 5 << 20,
		},
	}
}

// duration is a time.Duration that reads "90s", "30m" from YAML.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 90s, 30m)", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

func (d duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// loadConfig reads path (if not empty) over the defaults, then applies
// FENTINEL_* variables from getenv. Errors name the file, line and key.
func loadConfig(path string, getenv func(string) string) (config, error) {
	cfg := defaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: read %s: %w", path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// applyEnv applies the FENTINEL_* overrides. *_FILE variants read secrets from files.
func applyEnv(cfg *config, getenv func(string) string) error {
	str := func(key string, dst *string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	num := func(key string, dst *int) error {
		if v := getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("config: environment %s=%q: not an integer", key, v)
			}
			*dst = n
		}
		return nil
	}
	str("FENTINEL_DB", &cfg.DB)
	str("FENTINEL_PROXY", &cfg.Proxy)
	str("FENTINEL_RULES", &cfg.Rules)
	str("FENTINEL_LISTEN", &cfg.Listen)
	str("FENTINEL_LOG_FORMAT", &cfg.LogFormat)
	str("FENTINEL_LOG_LEVEL", &cfg.LogLevel)
	str("FENTINEL_CONTROL_PORT", &cfg.ControlPort)
	str("FENTINEL_CONTROL_COOKIE", &cfg.ControlAuth)
	str("FENTINEL_API_TOKEN_FILE", &cfg.APITokenFile)
	if cfg.APITokenFile != "" {
		b, err := os.ReadFile(cfg.APITokenFile)
		if err != nil {
			return fmt.Errorf("config: api_token_file: %w", err)
		}
		cfg.apiToken = strings.TrimSpace(string(b))
		if len(cfg.apiToken) < 16 {
			return fmt.Errorf("config: api_token_file: %s holds %d characters, want a token of at least 16", cfg.APITokenFile, len(cfg.apiToken))
		}
	}
	if err := num("FENTINEL_MAX_PAGES", &cfg.Crawl.MaxPages); err != nil {
		return err
	}
	if err := num("FENTINEL_MAX_DEPTH", &cfg.Crawl.MaxDepth); err != nil {
		return err
	}
	if v := getenv("FENTINEL_WEBHOOK_URL"); v != "" {
		cfg.Webhooks = nil
		for i, u := range strings.Split(v, ",") {
			cfg.Webhooks = append(cfg.Webhooks, webhookConf{Name: sinkName(i), URL: strings.TrimSpace(u)})
		}
	}
	secret := getenv("FENTINEL_WEBHOOK_SECRET")
	if f := getenv("FENTINEL_WEBHOOK_SECRET_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("config: FENTINEL_WEBHOOK_SECRET_FILE: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	for i := range cfg.Webhooks {
		w := &cfg.Webhooks[i]
		if w.Name == "" {
			w.Name = sinkName(i)
		}
		switch {
		case w.SecretFile != "":
			b, err := os.ReadFile(w.SecretFile)
			if err != nil {
				return fmt.Errorf("config: webhooks[%d].secret_file: %w", i, err)
			}
			w.Secret = strings.TrimSpace(string(b))
		case w.SecretEnv != "":
			w.Secret = getenv(w.SecretEnv)
			if w.Secret == "" {
				return fmt.Errorf("config: webhooks[%d].secret_env: variable %s is empty or unset", i, w.SecretEnv)
			}
		case secret != "":
			w.Secret = secret
		}
	}
	return nil
}

// sinkName names the i-th webhook given on the command line.
func sinkName(i int) string {
	if i == 0 {
		return "webhook"
	}
	return fmt.Sprintf("webhook-%d", i+1)
}

// validate checks the settings a crawl needs; errors name the key.
func (c *config) validate() error {
	if c.DB == "" {
		return errors.New("config: db: must not be empty")
	}
	if !strings.HasPrefix(c.Proxy, "socks5://") && !strings.HasPrefix(c.Proxy, "socks5h://") {
		return fmt.Errorf("config: proxy: %q must be a socks5h:// or socks5:// URL (Fentinel only connects through Tor's SOCKS port)", c.Proxy)
	}
	if c.Crawl.MaxPages < 0 {
		return fmt.Errorf("config: crawl.max_pages: %d must not be negative", c.Crawl.MaxPages)
	}
	if c.Crawl.MaxDepth < 0 {
		return fmt.Errorf("config: crawl.max_depth: %d must not be negative", c.Crawl.MaxDepth)
	}
	for i, w := range c.Webhooks {
		if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") {
			return fmt.Errorf("config: webhooks[%d].url: %q is not an http(s) URL", i, w.URL)
		}
		if w.Secret != "" && !strings.HasPrefix(w.Secret, "whsec_") {
			return fmt.Errorf("config: webhooks[%d] secret: must have the Standard Webhooks form whsec_<base64>", i)
		}
	}
	if err := c.Alerts.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	names := map[string]bool{}
	for _, s := range c.Alerts.Sinks {
		names[s.Name] = true
	}
	for i, w := range c.Webhooks {
		if names[w.Name] {
			return fmt.Errorf("config: webhooks[%d].name: %q is also the name of an alerts.sinks entry", i, w.Name)
		}
	}
	return nil
}

// findConfigFlag returns the value of --config/-config in args, if any, so
// the file can be loaded before the flags that override it are defined.
func findConfigFlag(args []string) string {
	for i, a := range args {
		for _, p := range []string{"--config=", "-config="} {
			if strings.HasPrefix(a, p) {
				return strings.TrimPrefix(a, p)
			}
		}
		if (a == "--config" || a == "-config") && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// targetNameOK reports whether name is usable as a target name: it becomes
// a metrics label and the crawl_runs target column, so keep it plain.
func targetNameOK(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// validateServe checks what serve needs on top of validate: a listen
// address and at least one well-formed target. Errors name the key.
func (c *config) validateServe() error {
	if err := c.validate(); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("config: listen: %q is not host:port (e.g. 127.0.0.1:9464): %v", c.Listen, err)
	}
	if len(c.Targets) == 0 {
		return errors.New("config: targets: none configured (give targets in the file, or --seed with --every or --schedule)")
	}
	return c.validateTargets()
}

// validateTargets checks every target: a unique plain name, http(s) seeds,
// exactly one of every and schedule, sane crawl overrides, and files that
// exist. Errors name the key, e.g. "config: targets[1].schedule: ...".
func (c *config) validateTargets() error {
	seen := map[string]int{}
	for i, t := range c.Targets {
		key := fmt.Sprintf("targets[%d]", i)
		if !targetNameOK(t.Name) {
			return fmt.Errorf("config: %s.name: %q must be 1-64 letters, digits, '-', '_' or '.'", key, t.Name)
		}
		if j, dup := seen[t.Name]; dup {
			return fmt.Errorf("config: %s.name: %q is already the name of targets[%d]", key, t.Name, j)
		}
		seen[t.Name] = i
		if len(t.Seeds) == 0 {
			return fmt.Errorf("config: %s.seeds: target %q has no seed URLs", key, t.Name)
		}
		for j, s := range t.Seeds {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("config: %s.seeds[%d]: %q is not an http(s) URL", key, j, s)
			}
		}
		switch {
		case t.Every == 0 && strings.TrimSpace(t.Schedule) == "":
			return fmt.Errorf("config: %s.every: target %q has neither every (an interval, e.g. 30m) nor schedule (a cron expression)", key, t.Name)
		case t.Every != 0 && strings.TrimSpace(t.Schedule) != "":
			return fmt.Errorf("config: %s.schedule: target %q gives both every and schedule; keep one", key, t.Name)
		case t.Every != 0:
			if _, err := schedule.Every(time.Duration(t.Every)); err != nil {
				return fmt.Errorf("config: %s.every: %w", key, err)
			}
		default:
			if _, err := schedule.Cron(t.Schedule); err != nil {
				return fmt.Errorf("config: %s.schedule: %w", key, err)
			}
		}
		cs := t.Crawl
		for _, f := range []struct {
			name string
			v    int64
		}{
			{"max_pages", int64(cs.MaxPages)}, {"max_depth", int64(cs.MaxDepth)},
			{"concurrency", int64(cs.Concurrency)}, {"per_host", int64(cs.PerHost)},
			{"timeout", int64(cs.Timeout)}, {"max_body_bytes", cs.MaxBodyBytes},
		} {
			if f.v < 0 {
				return fmt.Errorf("config: %s.crawl.%s: must not be negative", key, f.name)
			}
		}
		for _, p := range []struct{ key, path string }{
			{key + ".rules", t.Rules}, {key + ".crawl.cookies_file", cs.CookiesFile},
		} {
			if p.path == "" {
				continue
			}
			if _, err := os.Stat(p.path); err != nil {
				return fmt.Errorf("config: %s: %w", p.key, err)
			}
		}
	}
	return nil
}

// forTarget returns the configuration for one run of target t: the global
// settings with the target's rules and non-zero crawl settings laid over them.
func (c config) forTarget(t targetConf) config {
	out := c
	if t.Rules != "" {
		out.Rules = t.Rules
	}
	o, cs := t.Crawl, &out.Crawl
	// cmp.Or: the target's value unless it is zero.
	cs.MaxPages = cmp.Or(o.MaxPages, cs.MaxPages)
	cs.MaxDepth = cmp.Or(o.MaxDepth, cs.MaxDepth)
	cs.Concurrency = cmp.Or(o.Concurrency, cs.Concurrency)
	cs.PerHost = cmp.Or(o.PerHost, cs.PerHost)
	cs.Timeout = cmp.Or(o.Timeout, cs.Timeout)
	cs.MaxBodyBytes = cmp.Or(o.MaxBodyBytes, cs.MaxBodyBytes)
	cs.CookiesFile = cmp.Or(o.CookiesFile, cs.CookiesFile)
	if o.Cookies != nil {
		cs.Cookies = o.Cookies
	}
	return out
}
