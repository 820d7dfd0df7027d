package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/crawler"
	"github.com/fentinel/fentinel/detect"
	"github.com/fentinel/fentinel/rules"
	"github.com/fentinel/fentinel/store"
	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/proxy"
)

// benchTarget is the crawl-run and frontier key of the pipeline mode.
const benchTarget = "bench"

// maxBody caps a body in the baselines, as the crawler's default does.
const maxBody = crawler.DefaultMaxBodyBytes

// runCrawler runs Fentinel's crawler: ModeCrawl discards the pages (an
// in-memory frontier), ModePipeline detects and stores each one in a SQLite
// file with the store's persistent frontier, as `fentinel crawl` does.
func runCrawler(ctx context.Context, job Job, log *slog.Logger) (m Measurement, err error) {
	cfg := crawler.Config{
		Proxy:       job.Proxy,
		Seeds:       job.Seeds,
		MaxPages:    job.Pages,
		MaxDepth:    1 << 20, // the simulated markets are finite; MaxPages ends the crawl
		Concurrency: job.Concurrency,
		PerHost:     job.PerHost,
		PerHostRate: job.PerHostRate,
		Logger:      log,
	}
	// The heap profile is taken inside the crawl, from the progress
	// callback, when the heap is the largest seen so far: it shows what the
	// crawl holds at its peak.
	var heapErr error
	if job.Progress > 0 || job.MemProfile != "" {
		cfg.ProgressInterval = job.Progress
		if job.MemProfile != "" && cfg.ProgressInterval < 5*time.Second {
			cfg.ProgressInterval = 5 * time.Second
		}
		var peakInuse uint64
		cfg.Progress = func(st crawler.Stats) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if job.MemProfile != "" && ms.HeapInuse >= peakInuse {
				// Keep the snapshot taken at the largest heap seen.
				peakInuse = ms.HeapInuse
				heapErr = writeHeapProfile(job.MemProfile)
			}
			if job.Progress > 0 {
				ps, _ := ProcStatus("/proc/self/status")
				log.Warn("bench: progress", "requests", st.Requests, "fetched", st.Fetched+st.Skipped, "handed_on", st.Fetched,
					"queued", st.Queued, "rss_mib", ps["VmRSS"]>>20, "hwm_mib", ps["VmHWM"]>>20,
					"go_sys_mib", ms.Sys>>20, "go_heap_inuse_mib", ms.HeapInuse>>20)
			}
		}
	}
	handle := func(context.Context, fentinel.Page) error { return nil }
	if job.Mode == ModePipeline {
		if job.DBPath == "" {
			return m, errors.New("bench: pipeline mode needs a database path")
		}
		rs, err := rules.Default()
		if err != nil {
			return m, fmt.Errorf("bench: load default rules: %w", err)
		}
		det, err := detect.New(rs)
		if err != nil {
			return m, fmt.Errorf("bench: compile default rules: %w", err)
		}
		db, err := store.Open(ctx, job.DBPath)
		if err != nil {
			return m, err
		}
		defer db.Close()
		runID, err := db.StartRun(ctx, benchTarget)
		if err != nil {
			return m, err
		}
		cfg.RunID = runID
		cfg.Frontier = db.Frontier(benchTarget)
		var flagged, detectBytes, detectNS, saveNS atomic.Int64
		handle = func(ctx context.Context, p fentinel.Page) error {
			t0 := time.Now()
			v := det.Detect(p)
			t1 := time.Now()
			if _, err := db.SavePage(ctx, p, v, nil); err != nil {
				return fmt.Errorf("bench: save %s: %w", p.URL, err)
			}
			detectNS.Add(int64(t1.Sub(t0)))
			saveNS.Add(int64(time.Since(t1)))
			detectBytes.Add(int64(len(p.Body)))
			if v.Flagged {
				flagged.Add(1)
			}
			return nil
		}
		defer func() {
			m.Flagged = int(flagged.Load())
			m.DetectBytes = detectBytes.Load()
			m.DetectSeconds = time.Duration(detectNS.Load()).Seconds()
			m.SaveSeconds = time.Duration(saveNS.Load()).Seconds()
		}()
	}
	c, err := crawler.New(cfg)
	if err != nil {
		return m, err
	}
	st, err := c.Run(ctx, handle) // the deferred pipeline figures are added to m after this returns
	m.Pages, m.Requests, m.Errors, m.Skipped, m.Bytes = st.Fetched, st.Requests, st.ErrorCount(), st.Skipped, st.Bytes
	m.Fetched = st.Fetched + st.Skipped
	m.Detail = map[string]int{"queued": st.Queued, "pending": st.Pending, "retries": st.Retries, "dropped": st.Dropped}
	for k, v := range st.SkippedBy {
		m.Detail["skipped:"+k] = v
	}
	for k, v := range st.Errors {
		m.Detail["error:"+k] = v
	}
	for k, v := range st.Traps {
		m.Detail["trap:"+k] = v
	}
	if err != nil {
		return m, fmt.Errorf("bench: crawl: %w", err)
	}
	return m, heapErr
}

// socksTransport is the baselines' transport: every connection through the
// SOCKS5 proxy, host names sent unresolved (golang.org/x/net/proxy passes
// the name through), as torsocks would.
func socksTransport(proxyURL string) (*http.Transport, error) {
	u, err := url.Parse(proxyURL)
	if err != nil {
		return nil, fmt.Errorf("bench: proxy %s: %w", proxyURL, err)
	}
	d, err := proxy.SOCKS5("tcp", u.Host, nil, &net.Dialer{Timeout: 30 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("bench: proxy %s: %w", proxyURL, err)
	}
	cd, ok := d.(proxy.ContextDialer)
	if !ok {
		return nil, fmt.Errorf("bench: proxy %s: dialer has no DialContext", proxyURL)
	}
	return &http.Transport{
		Proxy:       nil,
		DialContext: cd.DialContext,
	}, nil
}

// seedHosts returns the host names of the seeds: the baselines' scope.
func seedHosts(seeds []string) ([]string, error) {
	var hosts []string
	for _, s := range seeds {
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("bench: seed %s: %w", s, err)
		}
		hosts = append(hosts, u.Hostname())
	}
	return hosts, nil
}

// runSequential is the baseline a user gets from `torsocks wget -r`: one
// request at a time through the proxy, breadth first over the links of
// every HTML page, within the seeds' hosts, until Pages pages are fetched
// (HTTP responses, as the crawler's MaxPages counts them).
func runSequential(ctx context.Context, job Job) (Measurement, error) {
	var m Measurement
	err := walk(ctx, job.Proxy, job.Seeds, job.Pages, func(_ string, body []byte, html bool, err error) {
		m.Requests++
		switch {
		case err != nil:
			m.Errors++
		case !html:
			m.Fetched++
			m.Skipped++
			m.Bytes += int64(len(body))
		default:
			m.Fetched++
			m.Pages++
			m.Bytes += int64(len(body))
		}
	})
	return m, err
}

// walk fetches pages one at a time through the SOCKS proxy, breadth first
// from seeds within the seeds' hosts, until n responses arrived or the
// links run out. visit is called for every request with the body and
// whether it is a 2xx HTML page.
func walk(ctx context.Context, proxyURL string, seeds []string, n int, visit func(u string, body []byte, html bool, err error)) error {
	tr, err := socksTransport(proxyURL)
	if err != nil {
		return err
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	hosts, err := seedHosts(seeds)
	if err != nil {
		return err
	}
	inScope := map[string]bool{}
	for _, h := range hosts {
		inScope[h] = true
	}
	queue := append([]string(nil), seeds...)
	seen := map[string]bool{}
	for _, s := range queue {
		seen[s] = true
	}
	for fetched := 0; len(queue) > 0 && fetched < n; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bench: sequential crawl: %w", err)
		}
		u := queue[0]
		queue = queue[1:]
		body, ok, err := fetch(ctx, client, u)
		visit(u, body, ok, err)
		if err != nil {
			continue
		}
		fetched++
		if !ok {
			continue
		}
		base, _ := url.Parse(u)
		for _, l := range links(base, body) {
			if inScope[l.Hostname()] && !seen[l.String()] {
				seen[l.String()] = true
				queue = append(queue, l.String())
			}
		}
	}
	return nil
}

// fetch GETs u and returns its body and whether it is a 2xx HTML page.
func fetch(ctx context.Context, client *http.Client, u string) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, fmt.Errorf("bench: request %s: %w", u, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("bench: fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, false, fmt.Errorf("bench: read %s: %w", u, err)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return body, resp.StatusCode/100 == 2 && mt == "text/html", nil
}

// links returns the absolute http(s) links of an HTML page, without
// fragments.
func links(base *url.URL, body []byte) []*url.URL {
	var out []*url.URL
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "a" || !hasAttr {
				continue
			}
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					if u, err := base.Parse(strings.TrimSpace(string(v))); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
						u.Fragment = ""
						out = append(out, u)
					}
				}
				if !more {
					break
				}
			}
		}
	}
}

// runColly is the baseline a user gets from colly's README: NewCollector
// with AllowedDomains for the seeds, the SOCKS transport set with
// WithTransport, and every a[href] visited. Everything else is colly's
// default: synchronous (one request at a time, depth first through the
// nested Visit calls), no depth limit, an in-memory visited set.
// MaxRequests stops it once Pages pages are fetched.
func runColly(ctx context.Context, job Job) (Measurement, error) {
	var m Measurement
	tr, err := socksTransport(job.Proxy)
	if err != nil {
		return m, err
	}
	defer tr.CloseIdleConnections()
	hosts, err := seedHosts(job.Seeds)
	if err != nil {
		return m, err
	}
	c := colly.NewCollector(colly.AllowedDomains(hosts...), colly.StdlibContext(ctx))
	c.WithTransport(tr)
	var mu sync.Mutex // colly is synchronous here; the lock keeps the race detector honest if Async is ever set
	c.OnResponse(func(r *colly.Response) {
		mu.Lock()
		defer mu.Unlock()
		m.Requests++
		m.Fetched++
		m.Bytes += int64(len(r.Body))
		mt, _, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
		if r.StatusCode/100 == 2 && mt == "text/html" {
			m.Pages++
		} else {
			m.Skipped++
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		mu.Lock()
		defer mu.Unlock()
		m.Requests++
		m.Errors++
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		mu.Lock()
		done := m.Fetched >= job.Pages
		mu.Unlock()
		if !done && ctx.Err() == nil {
			_ = e.Request.Visit(e.Attr("href")) // already-visited and out-of-domain links are refused here
		}
	})
	for _, s := range job.Seeds {
		mu.Lock()
		done := m.Fetched >= job.Pages
		mu.Unlock()
		if done {
			break
		}
		if err := c.Visit(s); err != nil {
			return m, fmt.Errorf("bench: colly visit %s: %w", s, err)
		}
	}
	c.Wait()
	if err := ctx.Err(); err != nil {
		return m, fmt.Errorf("bench: colly crawl: %w", err)
	}
	return m, nil
}
