package detect

import (
	"math/rand"
	"slices"
	"testing"
)

// TestResolveSortsLikeFullSort: resolve's per-start sort gives what a full
// sort gives, for match lists in start order (as findMatches emits them)
// and out of order.
func TestResolveSortsLikeFullSort(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for n := 0; n < 2000; n++ {
		ms := make([]match, rng.Intn(40))
		for k := range ms {
			i := int32(rng.Intn(12))
			ms[k] = match{e: int32(rng.Intn(5)), i: i, j: i + 1 + int32(rng.Intn(3)), how: uint8(rng.Intn(4))}
		}
		if n%2 == 0 {
			slices.SortStableFunc(ms, func(a, b match) int { return int(a.i - b.i) })
		}
		want := slices.Clone(ms)
		slices.SortFunc(want, compareMatch)
		want = dedupeSorted(want)
		if got := resolve(slices.Clone(ms)); !slices.Equal(got, want) {
			t.Fatalf("resolve(%v)\n got %v\nwant %v", ms, got, want)
		}
	}
}

// dedupeSorted is resolve's second half, for the reference.
func dedupeSorted(ms []match) []match {
	out := ms[:0]
	for _, m := range ms {
		drop := false
		for k := len(out) - 1; k >= 0; k-- {
			o := out[k]
			if o.i+32 < m.i {
				break
			}
			if o.e == m.e && o.i == m.i && o.j == m.j || o.i <= m.i && m.j <= o.j && (o.j-o.i) > (m.j-m.i) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}
