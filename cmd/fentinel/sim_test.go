package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/proxy"
)

// syncBuffer is a bytes.Buffer safe for a writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSimCommandServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	env := &environment{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := make(chan int, 1)
	go func() { code <- runMain(ctx, env, []string{"sim", "--json", "--markets", "3"}) }()

	var info simInfo
	deadline := time.Now().Add(10 * time.Second)
	for {
		if line, _, ok := strings.Cut(stdout.String(), "\n"); ok {
			if err := json.Unmarshal([]byte(line), &info); err != nil {
				t.Fatalf("decode %q: %v", line, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no endpoints printed; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(info.Seeds) != 3 || !strings.HasPrefix(info.Proxy, "socks5h://127.0.0.1:") ||
		!strings.HasPrefix(info.WebhookSecret, "whsec_") || !strings.HasPrefix(info.WebhookURL, "http://127.0.0.1:") || info.Positives == 0 {
		t.Fatalf("printed %+v", info)
	}

	u, _ := url.Parse(info.Proxy)
	d, err := proxy.FromURL(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DialContext: d.(proxy.ContextDialer).DialContext}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(info.Seeds[2])
	if err != nil {
		t.Fatalf("GET seed through the printed proxy: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<html") {
		t.Fatalf("seed: status %d", resp.StatusCode)
	}
	tr.CloseIdleConnections()

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit code %d; stderr: %s", c, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("sim did not stop after cancel")
	}
	if !strings.Contains(stderr.String(), "1 requests served") {
		t.Fatalf("summary: %q", stderr.String())
	}
}

func TestSimCommandText(t *testing.T) {
	var stdout, stderr syncBuffer
	env := &environment{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if c := runMain(context.Background(), env, []string{"sim", "--for", "200ms", "--hostile"}); c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"proxy:          socks5h://127.0.0.1:", "seed:           http://", "mirror:         http://", "webhook secret: whsec_"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "seed:  "); n != 3 {
		t.Errorf("%d seeds with --hostile, want 3 (two markets + lab)", n)
	}
}

func TestSimCommandBadFlag(t *testing.T) {
	var stdout, stderr syncBuffer
	env := &environment{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if c := runMain(context.Background(), env, []string{"sim", "--webhook-secret", "nope", "--for", "1s"}); c == 0 {
		t.Fatal("bad secret accepted")
	}
	if !strings.Contains(stderr.String(), "whsec_") {
		t.Fatalf("error does not say what is wrong: %q", stderr.String())
	}
}
