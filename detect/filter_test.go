package detect

import (
	"reflect"
	"testing"
)

// Key filters over two word lists of the extractors (which now find their
// words through wordIndex), kept here as test data for the filter itself.
var (
	labelFirstF = newKeyFilter(labelFirst)
	stopF       = newKeyFilter(stopwords)
)

// TestKeyFilterNoFalseNegatives: every key of every filtered map passes its
// filter (a miss would silently drop a term).
func TestKeyFilterNoFalseNegatives(t *testing.T) {
	for name, c := range map[string]struct {
		f    *keyFilter
		keys []string
	}{
		"labels": {labelFirstF, keysOf(labelFirst)},
		"stop":   {stopF, keysOf(stopwords)},
	} {
		if len(c.keys) == 0 {
			t.Errorf("%s: no keys", name)
		}
		for _, k := range c.keys {
			if !c.f.mayHave(k) {
				t.Errorf("%s: filter rejects its own key %q", name, k)
			}
		}
	}
	// and it rejects most other words, or it would not be worth having
	rejected := 0
	words := []string{"zzqx", "hello", "tomorrow", "window", "qqqqqq", "kitten", "garden", "bicycle", "yellow", "mountain"}
	for _, w := range words {
		if !labelFirst[w] && !labelFirstF.mayHave(w) {
			rejected++
		}
	}
	if rejected < len(words)/2 {
		t.Errorf("label filter rejected only %d of %d non-labels", rejected, len(words))
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNewDeterministic: compiling the same rules twice gives the same entry
// order (entry indices break ties between matches, so map order must not
// leak into them).
func TestNewDeterministic(t *testing.T) {
	a, b := defaultDetector(t), defaultDetector(t)
	for i := 0; i < 5; i++ {
		if !reflect.DeepEqual(a.entries, b.entries) {
			t.Fatal("two compilations of the default rules order entries differently")
		}
		b = defaultDetector(t)
	}
}

// TestFilterHashJoin: filterHashJoin(a, b) is filterHash(a + b).
func TestFilterHashJoin(t *testing.T) {
	words := append([]string{"", "a", "ab", "abc", "f", "fe", "fentanyl", "ф", "фент", "\xff", "芬"}, randomHostile(300)...)
	for _, a := range words {
		for _, b := range words {
			if got, want := filterHashJoin(a, b), filterHash(a+b); got != want {
				t.Fatalf("filterHashJoin(%q, %q) = %#x, filterHash %#x", a, b, got, want)
			}
		}
	}
}
