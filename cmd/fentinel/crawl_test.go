package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel/crawler"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	draw := progressLine(&buf, time.Now().Add(-10*time.Second))
	draw(crawler.Stats{Fetched: 50, Pending: 7, Errors: map[string]int{"timeout": 2}, Blocked: map[string]int{"queue": 1}}, 3)
	got := buf.String()
	for _, want := range []string{"\r", "50 pages", "7 queued", "2 errors", "1 blocked", "3 flagged", "/s"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress line %q lacks %q", got, want)
		}
	}
}

func TestCrawlCommandArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"no seeds", []string{"crawl"}, nil, 2, "no seeds"},
		{"http proxy refused", []string{"crawl", "--seed", "http://x.onion/", "--proxy", "http://127.0.0.1:8080"}, nil, 2, "socks5h://"},
		{"bad webhook url", []string{"crawl", "--seed", "http://x.onion/", "--webhook-url", "ftp://x"}, nil, 2, "webhooks[0].url"},
		{"bad secret", []string{"crawl", "--seed", "http://x.onion/", "--webhook-url", "http://127.0.0.1:1/", "--webhook-secret", "hunter2"}, nil, 2, "whsec_"},
		{"bad env number", []string{"crawl", "--seed", "http://x.onion/"}, map[string]string{"FENTINEL_MAX_PAGES": "many"}, 1, "FENTINEL_MAX_PAGES"},
		{"unknown flag", []string{"crawl", "--frobnicate"}, nil, 1, "frobnicate"},
		{"bad alerts section", []string{"crawl", "--seed", "http://x.onion/", "--config", "testdata/config/alerts-bad-type.yaml"}, nil, 2, "alerts.sinks[0]"},
		{"webhook named like a sink", []string{"crawl", "--seed", "http://x.onion/", "--config", "testdata/config/alerts-dup-name.yaml"}, nil, 2, "webhooks[0].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return tt.env[k] }}
			code := runMain(context.Background(), env, tt.args)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), "hunter2") {
				t.Errorf("secret echoed in error output: %s", stderr.String())
			}
		})
	}
}
