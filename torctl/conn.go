// Package torctl is a small client for Tor's control protocol
// (control-spec.txt) over TCP: authentication by cookie (SAFECOOKIE
// preferred, COOKIE accepted) or hashed password, GETINFO, the
// circuit-established pre-flight check, a rate-limited SIGNAL NEWNYM, and
// asynchronous STREAM and CIRC events.
//
// It speaks the line protocol directly; it neither starts nor configures tor.
package torctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// DefaultNewNymInterval is Tor's own minimum spacing between two honoured
// NEWNYM signals (MAX_SIGNEWNYM_RATE in tor's main loop). Tor answers 250 OK
// to a NEWNYM sent sooner, but only acts on it later.
const DefaultNewNymInterval = 10 * time.Second

// eventBuffer is the capacity of the channel returned by Conn.Events.
const eventBuffer = 1024

// Auth says how to authenticate to the control port. With Password set,
// HASHEDPASSWORD authentication is used. Otherwise cookie authentication is
// used (SAFECOOKIE when Tor offers it, else COOKIE), reading the cookie from
// CookiePath, or, when CookiePath is empty, from the COOKIEFILE that Tor
// names in its PROTOCOLINFO reply. When Tor offers NULL authentication and no
// password is set, no credential is sent.
type Auth struct {
	Password   string // never logged, never part of an error
	CookiePath string // optional override of PROTOCOLINFO's COOKIEFILE
}

// Dialer holds options for connecting to a control port. The zero value is
// usable.
type Dialer struct {
	// Now is the clock used by the NEWNYM limiter; nil means time.Now.
	Now func() time.Time
	// NewNymInterval is the minimum spacing between NEWNYM signals sent on
	// one Conn; 0 means DefaultNewNymInterval.
	NewNymInterval time.Duration
	// Logger receives debug logs (commands by keyword only); nil discards.
	Logger *slog.Logger
}

// Conn is an authenticated control-port connection. Its methods are safe for
// concurrent use; commands are answered in the order they were sent.
type Conn struct {
	nc     net.Conn
	log    *slog.Logger
	now    func() time.Time
	nymGap time.Duration

	wmu     sync.Mutex          // serialises writes and the pending queue
	pending []chan replyOrError // FIFO: one per command awaiting its reply

	events  chan Event
	dropped uint64 // guarded by evmu
	evmu    sync.Mutex

	nymMu   sync.Mutex
	lastNym time.Time

	closeOnce sync.Once
	done      chan struct{}
	readErr   error // set before done is closed

	// ProtocolInfo is what Tor said in its PROTOCOLINFO reply.
	ProtocolInfo ProtocolInfo
}

// ProtocolInfo is the parsed PROTOCOLINFO reply.
type ProtocolInfo struct {
	Methods    []string // e.g. COOKIE, SAFECOOKIE, HASHEDPASSWORD, NULL
	CookieFile string
	TorVersion string
}

// Reply is one complete control-port reply.
type Reply struct {
	Code  int
	Lines []ReplyLine
}

// ReplyLine is one line of a reply; Data holds the lines of a "+" data block.
type ReplyLine struct {
	Text string
	Data []string
}

type replyOrError struct {
	r   Reply
	err error
}

// Dial connects to the control port at addr and authenticates with auth.
// It is (&Dialer{}).Dial.
func Dial(ctx context.Context, addr string, auth Auth) (*Conn, error) {
	var d Dialer
	return d.Dial(ctx, addr, auth)
}

// Dial connects to the control port at addr (host:port) and authenticates.
// The context bounds the connection and the authentication exchange.
func (d *Dialer) Dial(ctx context.Context, addr string, auth Auth) (*Conn, error) {
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("torctl: dial control port %s: %w", addr, err)
	}
	c := &Conn{
		nc:     nc,
		log:    d.Logger,
		now:    d.Now,
		nymGap: d.NewNymInterval,
		events: make(chan Event, eventBuffer),
		done:   make(chan struct{}),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.nymGap == 0 {
		c.nymGap = DefaultNewNymInterval
	}
	go c.readLoop()
	if err := c.authenticate(ctx, auth); err != nil {
		c.Close()
		return nil, fmt.Errorf("torctl: authenticate to %s: %w", addr, err)
	}
	c.log.Debug("torctl: authenticated", "addr", addr, "tor", c.ProtocolInfo.TorVersion)
	return c, nil
}

// Close closes the connection. Pending commands fail with ErrClosed and the
// Events channel is closed.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		err = c.nc.Close()
		<-c.done
	})
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// Done is closed when the connection has ended (Close, or Tor hung up).
func (c *Conn) Done() <-chan struct{} { return c.done }

// Events returns the channel of asynchronous events subscribed to with
// SetEvents. It is closed when the connection ends. The reader never blocks
// on it: when the buffer (1024 events) is full, events are dropped and
// counted (DroppedEvents), so that command replies keep flowing.
func (c *Conn) Events() <-chan Event { return c.events }

// DroppedEvents reports how many events were dropped because the Events
// channel was full.
func (c *Conn) DroppedEvents() uint64 {
	c.evmu.Lock()
	defer c.evmu.Unlock()
	return c.dropped
}

// Do sends one raw command line (without CRLF) and returns Tor's reply. A
// reply code other than 2xx is returned as a *ReplyError. The error text
// names only the command keyword, never its arguments.
func (c *Conn) Do(ctx context.Context, line string) (Reply, error) {
	return c.do(ctx, keyword(line), line)
}

func keyword(line string) string {
	if i := strings.IndexAny(line, " \r\n"); i >= 0 {
		return line[:i]
	}
	return line
}

func (c *Conn) do(ctx context.Context, kw, line string) (Reply, error) {
	if strings.ContainsAny(line, "\r\n") {
		return Reply{}, fmt.Errorf("torctl: %s: command contains a line break", kw)
	}
	if err := ctx.Err(); err != nil {
		return Reply{}, fmt.Errorf("torctl: %s: %w", kw, err)
	}
	ch := make(chan replyOrError, 1)
	c.wmu.Lock()
	select {
	case <-c.done:
		c.wmu.Unlock()
		return Reply{}, fmt.Errorf("torctl: %s: %w", kw, c.closedErr())
	default:
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.nc.SetWriteDeadline(dl)
	} else {
		_ = c.nc.SetWriteDeadline(time.Time{})
	}
	c.pending = append(c.pending, ch)
	_, err := c.nc.Write([]byte(line + "\r\n"))
	c.wmu.Unlock()
	if err != nil {
		// A partial write leaves the stream in an unknown state: end it.
		c.nc.Close()
		return Reply{}, fmt.Errorf("torctl: %s: write: %w", kw, err)
	}
	c.log.Debug("torctl: command", "cmd", kw)
	select {
	case ro := <-ch:
		if ro.err != nil {
			return Reply{}, fmt.Errorf("torctl: %s: %w", kw, ro.err)
		}
		if ro.r.Code/100 != 2 {
			return ro.r, &ReplyError{Cmd: kw, Code: ro.r.Code, Text: ro.r.text()}
		}
		return ro.r, nil
	case <-ctx.Done():
		// The reply, when it comes, lands in the buffered channel and is dropped.
		return Reply{}, fmt.Errorf("torctl: %s: %w", kw, ctx.Err())
	}
}

func (c *Conn) closedErr() error {
	if c.readErr != nil && !errors.Is(c.readErr, net.ErrClosed) {
		return fmt.Errorf("%w: %v", ErrClosed, c.readErr)
	}
	return ErrClosed
}

func (r Reply) text() string {
	var parts []string
	for _, l := range r.Lines {
		parts = append(parts, l.Text)
	}
	return strings.Join(parts, "; ")
}

// readLoop reads replies and events until the connection ends.
func (c *Conn) readLoop() {
	br := bufio.NewReaderSize(c.nc, 64<<10)
	var err error
	for {
		var r Reply
		r, err = readReply(br)
		if err != nil {
			break
		}
		if r.Code == 650 {
			c.deliver(parseEvent(r))
			continue
		}
		c.wmu.Lock()
		if len(c.pending) == 0 {
			c.wmu.Unlock()
			c.log.Debug("torctl: unsolicited reply dropped", "code", r.Code)
			continue
		}
		ch := c.pending[0]
		c.pending = c.pending[1:]
		c.wmu.Unlock()
		ch <- replyOrError{r: r}
	}
	c.nc.Close()
	c.wmu.Lock()
	c.readErr = err
	close(c.done)
	pend := c.pending
	c.pending = nil
	c.wmu.Unlock()
	for _, ch := range pend {
		ch <- replyOrError{err: c.closedErr()}
	}
	close(c.events)
}

func (c *Conn) deliver(ev Event) {
	select {
	case c.events <- ev:
	default:
		c.evmu.Lock()
		c.dropped++
		c.evmu.Unlock()
	}
}

// maxLine bounds one reply line, so a hostile or broken peer cannot make the
// reader buffer without end.
const maxLine = 1 << 20

// readReply reads one reply: mid lines "NNN-", data lines "NNN+" followed by
// a dot-terminated block, and the end line "NNN ".
func readReply(br *bufio.Reader) (Reply, error) {
	var r Reply
	for {
		line, err := readLine(br)
		if err != nil {
			return r, err
		}
		if len(line) < 4 {
			return r, fmt.Errorf("%w: short line %q", ErrProtocol, line)
		}
		code, ok := parseCode(line[:3])
		if !ok {
			return r, fmt.Errorf("%w: bad status code in %q", ErrProtocol, truncate(line))
		}
		if r.Lines != nil && code != r.Code {
			return r, fmt.Errorf("%w: status code changed within a reply (%d then %d)", ErrProtocol, r.Code, code)
		}
		r.Code = code
		rl := ReplyLine{Text: line[4:]}
		switch line[3] {
		case ' ':
			r.Lines = append(r.Lines, rl)
			return r, nil
		case '-':
			r.Lines = append(r.Lines, rl)
		case '+':
			rl.Data = []string{}
			for {
				d, err := readLine(br)
				if err != nil {
					return r, err
				}
				if d == "." {
					break
				}
				if strings.HasPrefix(d, ".") {
					d = d[1:]
				}
				rl.Data = append(rl.Data, d)
			}
			r.Lines = append(r.Lines, rl)
		default:
			return r, fmt.Errorf("%w: bad separator in %q", ErrProtocol, truncate(line))
		}
	}
}

func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxLine {
			return "", fmt.Errorf("%w: line longer than %d bytes", ErrProtocol, maxLine)
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

func parseCode(s string) (int, bool) {
	n := 0
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
