//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package detect

// Bit positions of the token fields in putToken's two words on a
// little-endian machine: byte k of a word is the field at offset k from
// the word's start.
const (
	tokSentShift   = 0  // a: sent, bytes 0 to 3
	tokZoneShift   = 32 // a: zone
	tokHanShift    = 48 // a: han (byte 5 is gap, written as 0)
	tokDigitsShift = 56 // a: digits

	tokLettersShift  = 0  // b: letters
	tokLeetShift     = 8  // b: leet
	tokMixedShift    = 16 // b: mixed
	tokQuestionShift = 24 // b: question
	tokClsShift      = 32 // b: cls
	tokMkShift       = 40 // b: mk
)
