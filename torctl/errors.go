package torctl

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Test with errors.Is.
var (
	// ErrAuthFailed: Tor refused the credential (reply 515), or the server
	// failed the SAFECOOKIE check (it does not know the cookie).
	ErrAuthFailed = errors.New("torctl: authentication failed")
	// ErrNoAuthMethod: Tor offers no method this client can use with the
	// given Auth (for example HASHEDPASSWORD only, and no password set).
	ErrNoAuthMethod = errors.New("torctl: no usable authentication method")
	// ErrUnrecognized: Tor did not recognise the command or key (510, 552).
	ErrUnrecognized = errors.New("torctl: unrecognized command or key")
	// ErrClosed: the connection has ended.
	ErrClosed = errors.New("torctl: connection closed")
	// ErrProtocol: the peer broke the control protocol's framing.
	ErrProtocol = errors.New("torctl: protocol error")
	// ErrNewNymRateLimited: NewNym was called sooner than the NEWNYM
	// interval after the previous one; the error is a *RateLimitError.
	ErrNewNymRateLimited = errors.New("torctl: NEWNYM rate limited")
)

// ReplyError is a non-2xx reply from Tor. Cmd is the command keyword only;
// command arguments (which may hold a password) are never included.
type ReplyError struct {
	Cmd  string
	Code int
	Text string
}

// Error implements error.
func (e *ReplyError) Error() string {
	return fmt.Sprintf("torctl: %s: tor replied %d %s", e.Cmd, e.Code, e.Text)
}

// Is maps reply codes to the sentinel errors: 515 → ErrAuthFailed,
// 510 and 552 → ErrUnrecognized.
func (e *ReplyError) Is(target error) bool {
	switch target {
	case ErrAuthFailed:
		return e.Code == 515
	case ErrUnrecognized:
		return e.Code == 510 || e.Code == 552
	}
	return false
}

// RateLimitError is returned by NewNym when the previous NEWNYM on this
// connection was sent less than the interval ago. RetryAfter says how long
// to wait. It matches ErrNewNymRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("torctl: NEWNYM rate limited: retry in %s (Tor honours one NEWNYM per %s)",
		e.RetryAfter.Round(time.Millisecond), DefaultNewNymInterval)
}

// Is reports whether target is ErrNewNymRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrNewNymRateLimited }
