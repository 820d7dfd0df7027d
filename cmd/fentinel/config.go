package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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
	Targets     []targetConf  `yaml:"targets"`
	ControlPort string        `yaml:"control_port"` // Tor control port host:port (optional)
	ControlAuth string        `yaml:"control_cookie"`
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
