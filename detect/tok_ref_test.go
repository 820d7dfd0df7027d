package detect

import (
	"unicode/utf8"
	"unsafe"
)

// refTokenize is the tokenizer as it was before the byte-class rewrite
// (commit aa1f1b5), kept verbatim as the reference that
// TestTokenizeMatchesReference and FuzzTokenizeMatchesReference compare the
// current tokenizer with, field by field.
func refTokenize(text string, segs []segment) []refToken {
	toks, _ := refTokenizeInto(nil, nil, text, segs)
	return toks
}

// refTokenizeInto is the previous tokenizeInto, unchanged but for its name.
func refTokenizeInto(toks []refToken, arena []byte, text string, segs []segment) ([]refToken, []byte) {
	if cap(toks) < len(text)/6+8 {
		toks = make([]refToken, 0, len(text)/6+8)
	}
	toks = toks[:0]
	var sent int32
	var bufArr [64]byte
	buf := bufArr[:0]
	// arena holds the normalised text of every token; token norms are
	// substrings of it (one allocation instead of one per token).
	if cap(arena) < len(text)+16 {
		arena = make([]byte, 0, len(text)+16)
	}
	arena = arena[:0]
	arenaStart := arena
	for _, sg := range segs {
		s := text[sg.start:sg.end]
		base := sg.start
		i := 0
		cur := -1 // index of the open token in toks, -1 if none
		var sepRun int
		var sepJoin bool
		closeTok := func(end int) {
			if cur < 0 {
				return
			}
			t := &toks[cur]
			t.end = base + end
			if t.letters && hasNonASCII(buf) {
				t.norm, t.mixed = foldMixedScript(string(buf))
			} else {
				t.norm, arena = intern(buf, arena)
			}
			buf = buf[:0]
			cur = -1
			sepRun = 0
			sepJoin = true
		}
		setGap := func() {
			if len(toks) == 0 {
				return
			}
			prev := &toks[len(toks)-1]
			switch {
			case prev.sent != sent:
				prev.gap = gapBreak
			case sepRun == 0:
				prev.gap = gapNone
			case sepJoin && sepRun <= 2:
				prev.gap = gapJoin
			case sepRun == 1:
				prev.gap = gapSpace
			default:
				prev.gap = gapBreak
			}
		}
		// A segment boundary is a sentence boundary.
		sent++
		sepRun, sepJoin = 0, true
		for i < len(s) {
			if c := s[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				// ASCII letter or digit: the common case, no folding table needed
				if cur < 0 {
					setGap()
					toks = append(toks, refToken{token: token{start: base + i, zone: sg.zone, sent: sent}})
					cur = len(toks) - 1
				}
				t := &toks[cur]
				for {
					if c <= '9' {
						t.digits = true
					} else {
						t.letters = true
						if c <= 'Z' {
							c += 32
						}
					}
					buf = append(buf, c)
					i++
					if i >= len(s) {
						break
					}
					// the rest of an ASCII run in this tight loop
					if c = s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
						break
					}
				}
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r < 0x80 && r != '@' && r != '$' && r != '!' && r != '|' && !(r >= '0' && r <= '9') && !(r|0x20 >= 'a' && r|0x20 <= 'z') {
				// ASCII non-word: separator or sentence break.
				if cur >= 0 && (r == '.' || r == ',') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && toks[cur].digits && !toks[cur].letters {
					// decimal point inside a number
					buf = append(buf, byte(r))
					i += size
					continue
				}
				closeTok(i)
				sepRun++
				if !isJoinSep(r) {
					sepJoin = false
				}
				if r == '?' && len(toks) > 0 && toks[len(toks)-1].sent == sent {
					refMarkQuestion(toks, sent)
				}
				if r == '\n' || r == '!' || r == '?' || r == ';' || (r == '.' && (i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n')) {
					sent++
				}
				i += size
				continue
			}
			f := fold(r)
			if f == "" {
				// format character, soft hyphen, combining mark: invisible
				i += size
				continue
			}
			fr, _ := utf8.DecodeRuneInString(f)
			switch {
			case isHan(fr):
				closeTok(i)
				setGap()
				toks = append(toks, refToken{token: token{start: base + i, end: base + i + size, zone: sg.zone, sent: sent, han: true, letters: true}, norm: f})
				sepRun, sepJoin = 0, true
				// Han tokens are closed immediately; the next token is adjacent.
				i += size
				continue
			case isWordRune(fr) || (isLeetSymbol(r) && cur >= 0 && nextIsWord(s, i+size)):
				if cur < 0 {
					setGap()
					toks = append(toks, refToken{token: token{start: base + i, zone: sg.zone, sent: sent}})
					cur = len(toks) - 1
				}
				t := &toks[cur]
				if isDigitRune(fr) {
					t.digits = true
				} else if isLetterRune(fr) {
					t.letters = true
				} else {
					t.leet = true
				}
				buf = append(buf, f...)
				i += size
			case isLeetSymbol(r) && cur < 0 && nextIsLetter(s, i+size):
				// word-initial leet symbol: "@cetyl", "$ufentanil"
				setGap()
				toks = append(toks, refToken{token: token{start: base + i, zone: sg.zone, sent: sent, leet: true}})
				cur = len(toks) - 1
				buf = append(buf, f...)
				i += size
			default:
				closeTok(i)
				sepRun++
				if !isJoinSep(fr) {
					sepJoin = false
				}
				if fr == '？' && len(toks) > 0 && toks[len(toks)-1].sent == sent {
					refMarkQuestion(toks, sent)
				}
				switch fr {
				case '。', '！', '？', '；', '…', '¡', '¿', '!':
					sent++
				}
				i += size
			}
		}
		closeTok(len(s))
		sent++
	}
	if len(toks) > 0 {
		toks[len(toks)-1].gap = gapBreak
	}
	for i := range toks {
		t := &toks[i]
		if t.letters && t.digits {
			t.leet = true
		}
	}
	return toks, arenaStart
}

// The reference tokenizer's helpers (the production tokenizer no longer
// needs them).

// intern copies b to the end of arena (which has spare capacity) and
// returns it as a string without a separate allocation per token.
func intern(b []byte, arena []byte) (string, []byte) {
	if len(b) == 0 || cap(arena)-len(arena) < len(b) {
		return string(b), arena
	}
	start := len(arena)
	arena = append(arena, b...)
	return unsafe.String(&arena[start], len(b)), arena
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// refMarkQuestion is markQuestion for the reference tokenizer's tokens.
func refMarkQuestion(toks []refToken, sent int32) {
	for k := len(toks) - 1; k >= 0 && toks[k].sent == sent; k-- {
		toks[k].question = true
	}
}
