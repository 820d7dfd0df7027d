package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// API limits: a request without limit gets apiDefaultLimit findings, and
// none gets more than apiMaxLimit.
const (
	apiDefaultLimit = 100
	apiMaxLimit     = 10000
)

// findingsReader is what the findings API reads; *store.DB provides it.
type findingsReader interface {
	Findings(ctx context.Context, f fentinel.FindingFilter) ([]fentinel.Finding, error)
	Finding(ctx context.Context, id int64) (fentinel.Finding, error)
}

// findingsAPI serves the read-only JSON findings API:
//
//	GET /api/v1/findings?since=24h&min_score=0.5&substance=carfentanil&site=HOST&status=new&severity=high&limit=100
//	GET /api/v1/findings/{id}
//
// The filters are the CLI's (fentinel findings). Other methods get 405.
// With a token, every request needs "Authorization: Bearer <token>".
type findingsAPI struct {
	db       findingsReader
	now      func() time.Time
	notFound func(error) bool // reports whether err means "no such finding"
	token    string           // required bearer token; "" = none
}

// register adds the API's routes to mux.
func (a *findingsAPI) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/findings", a.auth(a.list))
	mux.HandleFunc("GET /api/v1/findings/{id}", a.auth(a.one))
}

// auth wraps h with the bearer-token check when a token is configured.
func (a *findingsAPI) auth(h http.HandlerFunc) http.HandlerFunc {
	if a.token == "" {
		return h
	}
	want := sha256.Sum256([]byte(a.token))
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fentinel"`)
			apiError(w, http.StatusUnauthorized, "a valid bearer token is required (api_token_file)")
			return
		}
		h(w, r)
	}
}

// apiFindings is the list response.
type apiFindings struct {
	Count    int                `json:"count"`
	Limit    int                `json:"limit"`
	Findings []fentinel.Finding `json:"findings"`
}

func (a *findingsAPI) list(w http.ResponseWriter, r *http.Request) {
	f, err := apiFilter(r.URL.Query(), a.now())
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := a.db.Findings(r.Context(), f)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "reading findings failed")
		return
	}
	if list == nil {
		list = []fentinel.Finding{}
	}
	apiJSON(w, http.StatusOK, apiFindings{Count: len(list), Limit: f.Limit, Findings: list})
}

func (a *findingsAPI) one(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		apiError(w, http.StatusBadRequest, fmt.Sprintf("id: %q is not a finding id", r.PathValue("id")))
		return
	}
	f, err := a.db.Finding(r.Context(), id)
	if err != nil {
		if a.notFound != nil && a.notFound(err) {
			apiError(w, http.StatusNotFound, fmt.Sprintf("finding %d not found", id))
			return
		}
		apiError(w, http.StatusInternalServerError, "reading the finding failed")
		return
	}
	apiJSON(w, http.StatusOK, f)
}

// apiFilter turns query parameters into a filter; errors name the parameter.
func apiFilter(q url.Values, now time.Time) (fentinel.FindingFilter, error) {
	known := map[string]bool{"since": true, "min_score": true, "substance": true, "site": true, "status": true, "severity": true, "kind": true, "limit": true}
	for k := range q {
		if !known[k] {
			return fentinel.FindingFilter{}, fmt.Errorf("%s: unknown parameter (want since, min_score, substance, site, status, severity, kind, limit)", k)
		}
	}
	f := fentinel.FindingFilter{
		Substance: strings.TrimSpace(q.Get("substance")),
		Site:      strings.TrimSpace(q.Get("site")),
		Status:    strings.TrimSpace(q.Get("status")),
		Limit:     apiDefaultLimit,
	}
	if v := q.Get("kind"); v != "" {
		k, err := parsePageKind(v)
		if err != nil {
			return f, fmt.Errorf("kind: %w", err)
		}
		f.PageKind = k
	}
	if v := q.Get("since"); v != "" {
		t, err := parseSince(v, now) // the CLI's --since: 24h, 7d, 2w, 2026-11-01, RFC 3339
		if err != nil {
			return f, fmt.Errorf("since: %s", strings.TrimPrefix(err.Error(), "--since "))
		}
		f.Since = t
	}
	if v := q.Get("min_score"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return f, fmt.Errorf("min_score: %q is not a number in [0,1]", v)
		}
		f.MinScore = x
	}
	if v := q.Get("severity"); v != "" {
		s, err := fentinel.ParseSeverity(v)
		if err != nil {
			return f, fmt.Errorf("severity: %w", err)
		}
		f.Severity = s
	}
	f.Status = strings.ToLower(f.Status)
	switch f.Status {
	case "", fentinel.StatusNew, fentinel.StatusConfirmed, fentinel.StatusDismissed, fentinel.StatusEscalated:
	default:
		return f, fmt.Errorf("status: %q is not one of new, confirmed, dismissed, escalated", f.Status)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxLimit {
			return f, fmt.Errorf("limit: %q is not an integer from 1 to %d", v, apiMaxLimit)
		}
		f.Limit = n
	}
	return f, nil
}

type apiErrorBody struct {
	Error string `json:"error"`
}

func apiError(w http.ResponseWriter, code int, msg string) {
	apiJSON(w, code, apiErrorBody{Error: msg})
}

func apiJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client has gone away; nothing to tell it
}
