package crawler

import (
	"maps"
	"time"
)

// Backoff is the retry policy of one error class.
type Backoff struct {
	Attempts int           // attempts in total, the first included (1 = never retried)
	Base     time.Duration // delay before the second attempt
	Max      time.Duration // the delay doubles per attempt up to Max
}

// DefaultRetry returns the default retry policy per error class. Classes not
// listed (and errors that are not retryable) get one attempt.
func DefaultRetry() map[string]Backoff {
	return map[string]Backoff{
		// Descriptor not found usually means the service is offline or gone:
		// few, slow attempts.
		ClassDescriptor: {Attempts: 3, Base: 2 * time.Minute, Max: 30 * time.Minute},
		// Introduction, rendezvous and Tor stream timeouts are transient: a
		// fresh circuit often works.
		ClassIntro:          {Attempts: 4, Base: 15 * time.Second, Max: 5 * time.Minute},
		ClassRendezvous:     {Attempts: 4, Base: 15 * time.Second, Max: 5 * time.Minute},
		ClassTTL:            {Attempts: 4, Base: 15 * time.Second, Max: 5 * time.Minute},
		ClassUnreachable:    {Attempts: 3, Base: 30 * time.Second, Max: 5 * time.Minute},
		ClassRefused:        {Attempts: 2, Base: time.Minute, Max: 5 * time.Minute},
		ClassSOCKS:          {Attempts: 3, Base: 30 * time.Second, Max: 5 * time.Minute},
		ClassProxy:          {Attempts: 3, Base: 10 * time.Second, Max: time.Minute},
		ClassConnectTimeout: {Attempts: 3, Base: 20 * time.Second, Max: 5 * time.Minute},
		ClassFirstByte:      {Attempts: 3, Base: 20 * time.Second, Max: 5 * time.Minute},
		ClassTimeout:        {Attempts: 3, Base: 20 * time.Second, Max: 5 * time.Minute},
		ClassReset:          {Attempts: 3, Base: 10 * time.Second, Max: 5 * time.Minute},
		ClassHTTP5xx:        {Attempts: 4, Base: 10 * time.Second, Max: 5 * time.Minute},
		ClassHTTP429:        {Attempts: 4, Base: 30 * time.Second, Max: 10 * time.Minute},
		ClassCircuitKilled:  {Attempts: 3, Base: time.Minute, Max: 10 * time.Minute},
	}
}

// retryPolicy decides whether and when a failed fetch is tried again.
type retryPolicy struct {
	classes map[string]Backoff
	rand    func() float64 // [0,1)
}

func newRetryPolicy(overrides map[string]Backoff, rnd func() float64) retryPolicy {
	classes := DefaultRetry()
	maps.Copy(classes, overrides)
	return retryPolicy{classes: classes, rand: rnd}
}

// next returns the delay before the next attempt after `attempts` failed
// attempts of class, or ok=false when the item should be dropped. The delay
// is Base·2^(attempts-1) capped at Max, with equal jitter: it lies in
// [d/2, d). retryAfter (from a Retry-After header) is a lower bound.
func (p retryPolicy) next(class string, retryable bool, attempts int, retryAfter time.Duration) (time.Duration, bool) {
	if !retryable {
		return 0, false
	}
	b, ok := p.classes[class]
	if !ok || attempts >= b.Attempts {
		return 0, false
	}
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	half := d / 2
	d = half + time.Duration(p.rand()*float64(d-half))
	if retryAfter > d {
		d = retryAfter
	}
	return d, true
}
