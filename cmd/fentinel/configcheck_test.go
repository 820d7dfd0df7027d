package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// runIn runs a subcommand in-process and returns its exit code and streams.
func runIn(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: getenv}
	code := runMain(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodTarget = `
  - name: alpha
    seeds: ["http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/"]
    every: 30m
`

func TestConfigCheckErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want string // the key (and cause) the message must name
	}{
		{"unknown key", "proxyy: socks5h://127.0.0.1:9050\n", nil, "field proxyy not found"},
		{"bad duration", "alert_wait: soon\n", nil, `line 1: "soon" is not a duration`},
		{"http proxy", "proxy: http://127.0.0.1:8080\n", nil, "config: proxy:"},
		{"negative max_pages", "crawl: {max_pages: -1}\n", nil, "config: crawl.max_pages:"},
		{"webhook url", "webhooks: [{name: soc, url: ftp://x}]\n", nil, "config: webhooks[0].url:"},
		{"webhook secret env unset", "webhooks: [{name: soc, url: 'http://127.0.0.1:1/', secret_env: FENTINEL_TEST_UNSET}]\n", nil, "config: webhooks[0].secret_env: variable FENTINEL_TEST_UNSET"},
		{"webhook secret form", "webhooks: [{name: soc, url: 'http://127.0.0.1:1/', secret_env: HOOK_SECRET}]\n", map[string]string{"HOOK_SECRET": "hunter2"}, "config: webhooks[0] secret: must have the Standard Webhooks form"},
		{"env not integer", "", map[string]string{"FENTINEL_MAX_PAGES": "lots"}, "FENTINEL_MAX_PAGES"},
		{"target without name", "targets:\n  - seeds: ['http://a.onion/']\n    every: 1m\n", nil, "config: targets[0].name:"},
		{"target bad name", "targets:\n  - name: 'a b'\n    seeds: ['http://a.onion/']\n    every: 1m\n", nil, "config: targets[0].name:"},
		{"duplicate target", "targets:" + goodTarget + goodTarget, nil, `config: targets[1].name: "alpha" is already the name of targets[0]`},
		{"no seeds", "targets:\n  - name: a\n    every: 1m\n", nil, "config: targets[0].seeds:"},
		{"bad seed", "targets:\n  - name: a\n    seeds: ['a.onion']\n    every: 1m\n", nil, "config: targets[0].seeds[0]:"},
		{"no schedule", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n", nil, "config: targets[0].every: target \"a\" has neither every"},
		{"both schedules", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    every: 1m\n    schedule: '@hourly'\n", nil, "config: targets[0].schedule: target \"a\" gives both"},
		{"interval too short", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    every: 100ms\n", nil, "config: targets[0].every: schedule: interval 100ms is shorter"},
		{"bad cron", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    schedule: '61 * * * *'\n", nil, "config: targets[0].schedule:"},
		{"target negative depth", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    every: 1m\n    crawl: {max_depth: -2}\n", nil, "config: targets[0].crawl.max_depth:"},
		{"target cookies file", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    every: 1m\n    crawl: {cookies_file: /nonexistent/cookies.txt}\n", nil, "config: targets[0].crawl.cookies_file:"},
		{"target rules", "targets:\n  - name: a\n    seeds: ['http://a.onion/']\n    every: 1m\n    rules: /nonexistent/rules\n", nil, "config: targets[0].rules:"},
		{"global rules", "rules: /nonexistent/rules\n", nil, "config: rules:"},
		{"api token file missing", "api_token_file: /nonexistent/token\n", nil, "config: api_token_file:"},
		{"api token too short", "api_token_file: " + writeFile(t, dir, "short-token", "hunter2\n") + "\n", nil, "config: api_token_file:"},
		{"api token file from env", "", map[string]string{"FENTINEL_API_TOKEN_FILE": "/nonexistent/token"}, "config: api_token_file:"},
		{"rules that do not parse", "rules: " + writeFile(t, dir, "broken-rules.yaml", "substances: [\n") + "\n", nil, "config: rules:"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, "bad"+string(rune('a'+i))+".yaml", tt.yaml)
			getenv := func(k string) string { return tt.env[k] }
			code, out, stderr := runIn(t, getenv, "config", "check", "--config", path)
			if code != 1 {
				t.Fatalf("exit code %d, want 1; stdout %q stderr %q", code, out, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Fatalf("stderr %q does not name %q", stderr, tt.want)
			}
		})
	}
}

func TestConfigCheckGood(t *testing.T) {
	dir := t.TempDir()
	secret := writeFile(t, dir, "secret", "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=\n")
	token := writeFile(t, dir, "token", "0123456789abcdef0123\n")
	path := writeFile(t, dir, "good.yaml", `db: /data/fentinel.db
api_token_file: `+token+`
proxy: socks5h://tor:9050
listen: 0.0.0.0:9464
webhooks:
  - name: soc
    url: https://soc.example.invalid/hooks/fentinel
    secret_file: `+secret+`
targets:
  - name: alpha
    seeds: ["http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/"]
    every: 30m
    crawl: {max_pages: 50}
  - name: beta
    seeds: ["http://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.onion/"]
    schedule: "CRON_TZ=UTC 0 */6 * * *"
`)
	code, out, stderr := runIn(t, nil, "config", "check", path)
	if code != 0 {
		t.Fatalf("exit code %d; stderr %s", code, stderr)
	}
	out = strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"OK", "socks5h://tor:9050", "soc (signed)", "alert sinks soc", "targets 2",
		"findings API bearer token required",
		"alpha", "every 30m0s, first run at start, max_pages 50, max_depth 5",
		"beta", "cron CRON_TZ=UTC 0 */6 * * *",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "whsec_") || strings.Contains(out, "0123456789abcdef") {
		t.Errorf("output shows the webhook secret:\n%s", out)
	}
}

func TestConfigUsage(t *testing.T) {
	if code, _, _ := runIn(t, nil, "config"); code != 2 {
		t.Fatalf("fentinel config: exit %d, want 2", code)
	}
	if code, _, _ := runIn(t, nil, "config", "lint"); code != 2 {
		t.Fatalf("fentinel config lint: exit %d, want 2", code)
	}
}

func TestForTarget(t *testing.T) {
	base := defaultConfig()
	base.Rules = "/etc/fentinel/rules"
	tc := base.forTarget(targetConf{Name: "a", Rules: "/r", Crawl: crawlSettings{MaxPages: 7, CookiesFile: "/c.txt"}})
	if tc.Rules != "/r" || tc.Crawl.MaxPages != 7 || tc.Crawl.CookiesFile != "/c.txt" {
		t.Fatalf("overrides not applied: %+v", tc)
	}
	if tc.Crawl.MaxDepth != base.Crawl.MaxDepth || tc.Crawl.Timeout != base.Crawl.Timeout {
		t.Fatalf("unset overrides changed the global settings: %+v", tc.Crawl)
	}
	if base.Crawl.MaxPages != defaultConfig().Crawl.MaxPages {
		t.Fatal("forTarget modified its receiver")
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	code, out, stderr := runIn(t, nil, "config", "check", "--config", filepath.Join("..", "..", "deploy", "fentinel.example.yaml"))
	if code != 0 {
		t.Fatalf("deploy/fentinel.example.yaml: exit %d: %s", code, stderr)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "targets 3") {
		t.Fatalf("example config should define 3 targets:\n%s", out)
	}
}

// TestComposeFile checks the structure of deploy/docker-compose.yml (there
// is no container engine in CI to run it): a tor service built from
// deploy/tor with the shared torrc, whose ports are never published and
// whose SOCKS network is internal, and fentinel serve on the example config
// with its HTTP port published on the host's loopback only.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	type service struct {
		Build       struct{ Context, Dockerfile string } `yaml:"build"`
		Command     []string                             `yaml:"command"`
		Ports       []string                             `yaml:"ports"`
		Volumes     []string                             `yaml:"volumes"`
		Networks    []string                             `yaml:"networks"`
		Environment map[string]string                    `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		StopGracePeriod string `yaml:"stop_grace_period"`
	}
	var compose struct {
		Services map[string]service `yaml:"services"`
		Networks map[string]struct {
			Internal bool `yaml:"internal"`
		} `yaml:"networks"`
		Volumes map[string]any `yaml:"volumes"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	tor, ok := compose.Services["tor"]
	if !ok {
		t.Fatal("no tor service")
	}
	fen, ok := compose.Services["fentinel"]
	if !ok {
		t.Fatal("no fentinel service")
	}
	if tor.Build.Context != "./tor" {
		t.Errorf("tor build context = %q, want ./tor", tor.Build.Context)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "deploy", "tor", "Dockerfile")); err != nil {
		t.Errorf("tor image: %v", err)
	}
	if len(tor.Ports) != 0 {
		t.Errorf("tor publishes ports %v; its SocksPort must stay inside the compose network", tor.Ports)
	}
	if !slices.Contains(tor.Volumes, "./tor/torrc:/etc/tor/torrc:ro") {
		t.Errorf("tor does not mount deploy/tor/torrc read-only: %v", tor.Volumes)
	}
	shared := ""
	for _, n := range tor.Networks {
		if slices.Contains(fen.Networks, n) && compose.Networks[n].Internal {
			shared = n
		}
	}
	if shared == "" {
		t.Errorf("tor and fentinel share no internal network (tor %v, fentinel %v)", tor.Networks, fen.Networks)
	}
	if len(tor.Healthcheck.Test) == 0 || fen.DependsOn["tor"].Condition != "service_healthy" {
		t.Errorf("fentinel should wait for a healthy tor")
	}
	if len(fen.Command) < 1 || fen.Command[0] != "serve" || !slices.Contains(fen.Command, "--config") {
		t.Errorf("fentinel command = %v, want serve --config ...", fen.Command)
	}
	if fen.Build.Context != ".." || fen.Build.Dockerfile != "Dockerfile" {
		t.Errorf("fentinel build = %+v, want the repository's Dockerfile", fen.Build)
	}
	if p := fen.Environment["FENTINEL_PROXY"]; p != "socks5h://tor:9050" {
		t.Errorf("FENTINEL_PROXY = %q, want socks5h://tor:9050", p)
	}
	for _, p := range fen.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("fentinel publishes %q beyond the host's loopback", p)
		}
	}
	hasConfig, hasData, hasCookie := false, false, false
	for _, v := range fen.Volumes {
		hasConfig = hasConfig || strings.Contains(v, "fentinel.example.yaml") && strings.HasSuffix(v, ":/etc/fentinel/fentinel.yaml:ro")
		hasData = hasData || strings.HasSuffix(v, ":/data")
		hasCookie = hasCookie || strings.HasPrefix(v, "tor-control:") && strings.HasSuffix(v, ":ro")
	}
	if !hasConfig || !hasData || !hasCookie {
		t.Errorf("fentinel volumes %v: want the example config, /data and the tor-control cookie volume read-only", fen.Volumes)
	}
	if d, err := time.ParseDuration(fen.StopGracePeriod); err != nil || d < 15*time.Second {
		t.Errorf("stop_grace_period %q: want at least the 15s serve needs", fen.StopGracePeriod)
	}
}

func TestDockerfileHealthcheck(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{"RUN make build", `HEALTHCHECK`, `"/usr/local/bin/fentinel", "healthcheck"`, `VOLUME ["/data"]`, "USER 10001"} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
