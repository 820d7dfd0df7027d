package detect

// keyFilter is a 64 Kibit set of string hashes (length, first two bytes
// and last byte) that rejects most lookups of words a map cannot hold
// before the map is probed. A hit still needs the map: the filter has
// false positives, never false negatives.
type keyFilter [1024]uint64

func filterHash(s string) uint32 {
	h := uint32(len(s)) * 0x9E3779B1
	if len(s) > 0 {
		h ^= uint32(s[0]) * 0x85EBCA77
		h ^= uint32(s[len(s)-1]) * 0xC2B2AE3D
	}
	if len(s) > 1 {
		h ^= uint32(s[1]) * 0x27D4EB2F
	}
	h ^= h >> 15
	h *= 0x2C1B3C6D
	return h >> 16
}

func (f *keyFilter) add(s string) {
	h := filterHash(s)
	f[h>>6] |= 1 << (h & 63)
}

// mayHave reports whether s may have been added.
func (f *keyFilter) mayHave(s string) bool {
	h := filterHash(s)
	return f[h>>6]&(1<<(h&63)) != 0
}

func newKeyFilter[V any](m map[string]V) *keyFilter {
	f := new(keyFilter)
	for k := range m {
		f.add(k)
	}
	return f
}
