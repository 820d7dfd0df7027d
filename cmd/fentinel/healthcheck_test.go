package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte("ok\n"))
			return
		}
		http.Error(w, "tor: not bootstrapped", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	listen := strings.TrimPrefix(srv.URL, "http://")

	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		want     string
	}{
		{"healthy", []string{"--url", srv.URL + "/healthz"}, nil, 0, "200 OK"},
		{"from FENTINEL_LISTEN", nil, map[string]string{"FENTINEL_LISTEN": listen}, 0, "200 OK"},
		{"unready", []string{"--url", srv.URL + "/readyz"}, nil, 1, "503 Service Unavailable: tor: not bootstrapped"},
		{"nothing listening", []string{"--url", "http://127.0.0.1:1/healthz"}, nil, 1, "connection refused"},
		{"stray argument", []string{"now"}, nil, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runIn(t, func(k string) string { return tt.env[k] }, append([]string{"healthcheck"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("output %q lacks %q", out+errOut, tt.want)
			}
		})
	}
}

func TestHealthcheckURL(t *testing.T) {
	tests := []struct{ listen, want string }{
		{"0.0.0.0:9464", "http://127.0.0.1:9464/healthz"},
		{"[::]:9464", "http://127.0.0.1:9464/healthz"},
		{":9000", "http://127.0.0.1:9000/healthz"},
		{"127.0.0.1:9464", "http://127.0.0.1:9464/healthz"},
		{"[::1]:9464", "http://[::1]:9464/healthz"},
		{"garbage", "http://127.0.0.1:9464/healthz"},
	}
	for _, tt := range tests {
		if got := healthcheckURL(tt.listen, "/healthz"); got != tt.want {
			t.Errorf("healthcheckURL(%q) = %q, want %q", tt.listen, got, tt.want)
		}
	}
}
