package alert

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
	"github.com/fentinel/fentinel/store"
)

// TestHelperDispatcherProcess is the child of TestKilledProcessResendsSameID:
// a separate process that drains the outbox until it is killed.
func TestHelperDispatcherProcess(t *testing.T) {
	dbPath := os.Getenv("FENTINEL_ALERT_CHILD_DB")
	if dbPath == "" {
		t.Skip("helper process for TestKilledProcessResendsSameID")
	}
	db, err := store.Open(context.Background(), dbPath)
	mustNoErr(t, err)
	hook, err := NewWebhook("soc", os.Getenv("FENTINEL_ALERT_CHILD_URL"), otherSecret, NewHTTPClient(time.Minute))
	mustNoErr(t, err)
	_, _ = NewDispatcher(db, []Sink{hook}).Drain(context.Background())
	t.Fatal("helper: Drain returned; it should have been killed while the receiver held the message")
}

// TestKilledProcessResendsSameID kills (SIGKILL) a dispatcher process after
// the receiver got the message and before the outbox recorded it; a new
// dispatcher resends it with the same webhook-id.
func TestKilledProcessResendsSameID(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	got := make(chan struct{}, 1)
	hold := make(chan struct{}) // closed when the first request's client is gone
	c := newCapture(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			got <- struct{}{}
			select { // hold the message until the killed client's connection drops
			case <-hold:
			case <-time.After(30 * time.Second):
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	var closeOnce sync.Once
	c.mu.Lock()
	c.onConnClosed = func() { closeOnce.Do(func() { close(hold) }) }
	c.mu.Unlock()
	dbPath := filepath.Join(t.TempDir(), "fentinel.db")
	db, err := store.Open(context.Background(), dbPath)
	mustNoErr(t, err)
	defer db.Close()
	clk := startClock()
	db.Now = time.Now
	save(t, db, clk, []fentinel.Route{fentinel.DefaultRoute("soc")}, findings(1)...)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDispatcherProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "FENTINEL_ALERT_CHILD_DB="+dbPath, "FENTINEL_ALERT_CHILD_URL="+c.srv.URL)
	mustNoErr(t, cmd.Start())
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child never delivered")
	}
	mustNoErr(t, cmd.Process.Kill())
	_ = cmd.Wait()

	pending := listAll(t, db, fentinel.AlertPending)
	if len(pending) != 1 || pending[0].Attempts != 0 {
		t.Fatalf("after SIGKILL the alert must be pending and untouched: %+v", pending)
	}
	st, err := NewDispatcher(db, []Sink{mustHook(t, c.srv.URL)}).Drain(context.Background())
	mustNoErr(t, err)
	reqs := c.requests()
	if st.Delivered != 1 || len(reqs) != 2 {
		t.Fatalf("after restart: stats %+v, %d requests", st, len(reqs))
	}
	for _, r := range reqs {
		mustNoErr(t, Verify(otherSecret, r.Header, r.Body, time.Minute))
		if id := r.Header.Get(HeaderID); id != pending[0].ID {
			t.Fatalf("webhook-id %s, want the outbox id %s on both sends", id, pending[0].ID)
		}
	}
}

func mustHook(t *testing.T, url string) *Webhook {
	t.Helper()
	w, err := NewWebhook("soc", url, otherSecret, nil)
	mustNoErr(t, err)
	return w
}
