package detect

// Output chunks: the memory a verdict keeps after Detect returns (the page
// text its Evidence quotes, its Evidence slice, its Substances and
// Classes, composed rule ids and snippets) is carved from chunks held by
// the pooled per-page scratch instead of being allocated piece by piece:
// one allocation per chunk instead of one or more per page.
//
// Soundness: a chunk is written only through its free tail; every piece
// handed out is cut off that tail for good (the tail then starts after
// it), so no later page can write into a piece an earlier verdict holds.
// Pieces have cap == len (s[i:j:j]), so a caller appending to a verdict's
// slice gets a fresh array instead of writing into its neighbour. A full
// chunk is dropped by the scratch and freed by the GC once no verdict
// refers into it.
//
// Trade-off: a caller that keeps one verdict keeps its whole chunks alive
// (outChunkBytes, 16 KB, of each kind), not just the verdict's own
// pieces, and through the other verdicts' Evidence in its Evidence chunk
// (about 17 pages' worth) the text chunks those quote: typically a few
// chunks, some 50–80 KB, where the verdict alone would hold 2–3 KB. A
// caller that keeps every verdict pays nothing extra. Chunks are kept
// small so that the occasional kept verdict stays cheap; pieces larger
// than a quarter of a chunk get their own allocation, which bounds the
// tail a chunk wastes when the next piece does not fit.

import "unsafe"

// outChunkBytes is the size of an output chunk in bytes.
const outChunkBytes = 16 << 10

// chunk hands out pieces of fresh, zeroed elements carved from its current
// chunk (see above).
type chunk[T any] struct {
	free []T // the current chunk's unused tail
}

// take returns n fresh zeroed elements, len == cap == n, that nothing else
// refers to.
func (c *chunk[T]) take(n int) []T {
	if n == 0 {
		return []T{} // empty, not nil (JSON "[]"), and no allocation
	}
	var zero T
	size := outChunkBytes / int(unsafe.Sizeof(zero))
	if n > len(c.free) {
		if n > size/4 {
			return make([]T, n)
		}
		c.free = make([]T, size)
	}
	s := c.free[:n:n]
	c.free = c.free[n:]
	return s
}

// textChunk is a chunk of bytes for strings.
type textChunk struct{ chunk[byte] }

// copyString returns a string holding a copy of b, carved from the chunk.
func (c *textChunk) copyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := c.take(len(b))
	copy(s, b)
	// s is never written again (take handed it out for good), so it may
	// be viewed as a string.
	return unsafe.String(&s[0], len(s))
}
