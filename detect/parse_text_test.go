package detect

import (
	"math/rand"
	"reflect"
	"testing"
)

// textOps replays a sequence of text builder calls, described by ops (one
// byte each: 'n' newline, 'c' a cell's pending space, otherwise text of
// zone op%numZones taken from the next piece), on a textBuf through text
// and on a textBuilder, and reports whether they built the same text,
// segments and pending space.
func textOps(t *testing.T, ops []byte, pieces []string) {
	t.Helper()
	var fast textBuf
	fast.reset(nil)
	var ref textBuilder
	for k, op := range ops {
		switch op {
		case 'n':
			fast.newline()
			ref.newline()
		case 'c':
			fast.pendingSpace = true
			ref.pendingSpace = true
		default:
			s := pieces[k%len(pieces)]
			z := op % numZones
			fast.text(z, s)
			ref.text(z, s)
		}
		if fast.pendingSpace != ref.pendingSpace {
			t.Fatalf("ops %q pieces %q: pendingSpace %v, textBuilder %v", ops[:k+1], pieces, fast.pendingSpace, ref.pendingSpace)
		}
	}
	fast.closeSeg()
	text, segs := ref.done()
	if string(fast.b) != text || !reflect.DeepEqual(append([]segment{}, fast.segs...), append([]segment{}, segs...)) {
		t.Fatalf("ops %q pieces %q:\ntextBuf     %q %v\ntextBuilder %q %v", ops, pieces, fast.b, fast.segs, text, segs)
	}
}

// TestTextBufAgrees: textBuf (text, with textSlow behind it) builds what
// textBuilder builds, over random call sequences on text rich in white
// space, control bytes and word lengths around eight.
func TestTextBufAgrees(t *testing.T) {
	alphabet := []string{" ", " ", "  ", "\t", "\n", "\r", "\f", "\v", "\x01", "a", "b", "word", "eightchr", "é", "汉", "\xff"}
	rng := rand.New(rand.NewSource(5))
	for k := 0; k < 50000; k++ {
		pieces := make([]string, 1+rng.Intn(4))
		for i := range pieces {
			var s string
			for n := rng.Intn(30); len(s) < n; {
				s += alphabet[rng.Intn(len(alphabet))]
			}
			pieces[i] = s
		}
		ops := make([]byte, 1+rng.Intn(8))
		for i := range ops {
			switch rng.Intn(6) {
			case 0:
				ops[i] = 'n'
			case 1:
				ops[i] = 'c'
			default:
				ops[i] = byte(rng.Intn(int(numZones)))
			}
		}
		textOps(t, ops, pieces)
	}
}

// FuzzTextBuf: textBuf and textBuilder agree on any text and calls.
func FuzzTextBuf(f *testing.F) {
	f.Add([]byte{0, 'n', 1, 'c', 2}, "a  b", " x\ty ", "eightchr eightchr")
	f.Fuzz(func(t *testing.T, ops []byte, a, b, c string) {
		textOps(t, ops, []string{a, b, c})
	})
}
