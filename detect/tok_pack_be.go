//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package detect

// Bit positions of the token fields in putToken's two words on a
// big-endian machine: byte k of a word is the field at offset k from the
// word's start, and sent's four bytes are most significant first.
const (
	tokSentShift   = 32 // a: sent, bytes 0 to 3
	tokZoneShift   = 24 // a: zone
	tokHanShift    = 8  // a: han (byte 5 is gap, written as 0)
	tokDigitsShift = 0  // a: digits

	tokLettersShift  = 56 // b: letters
	tokLeetShift     = 48 // b: leet
	tokMixedShift    = 40 // b: mixed
	tokQuestionShift = 32 // b: question
	tokClsShift      = 24 // b: cls
	tokMkShift       = 16 // b: mk
)
