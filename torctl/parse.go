package torctl

import "strings"

// field is one space-separated token of a reply line: either a bare word
// (Key only) or KEY=VALUE, with VALUE unquoted when it was a QuotedString.
type field struct {
	Key      string
	Value    string
	HasValue bool
}

type fields []field

// get returns the value of the first KEY=VALUE field named key.
func (fs fields) get(key string) string {
	for _, f := range fs {
		if f.HasValue && f.Key == key {
			return f.Value
		}
	}
	return ""
}

// tokenize splits a reply line into fields. Quoted strings may contain
// spaces and C-style escapes (\" \\ \n \r \t and octal \NNN).
func tokenize(s string) fields {
	var out fields
	i := 0
	for i < len(s) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			break
		}
		var raw strings.Builder
		var f field
		inKey := true
		for i < len(s) && s[i] != ' ' {
			ch := s[i]
			switch {
			case inKey && ch == '=':
				f.Key = raw.String()
				f.HasValue = true
				raw.Reset()
				inKey = false
				i++
			case ch == '"':
				v, n := unquote(s[i:])
				raw.WriteString(v)
				i += n
			default:
				raw.WriteByte(ch)
				i++
			}
		}
		if inKey {
			f.Key = raw.String()
		} else {
			f.Value = raw.String()
		}
		out = append(out, f)
	}
	return out
}

// unquote decodes the QuotedString at the start of s (s[0] == '"') and
// returns it with the number of bytes consumed. An unterminated string runs
// to the end of s.
func unquote(s string) (string, int) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		ch := s[i]
		switch ch {
		case '"':
			return b.String(), i + 1
		case '\\':
			if i+1 >= len(s) {
				return b.String(), len(s)
			}
			nx := s[i+1]
			switch {
			case nx == 'n':
				b.WriteByte('\n')
				i += 2
			case nx == 'r':
				b.WriteByte('\r')
				i += 2
			case nx == 't':
				b.WriteByte('\t')
				i += 2
			case nx >= '0' && nx <= '7':
				v, j := 0, i+1
				for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
					v = v*8 + int(s[j]-'0')
					j++
				}
				b.WriteByte(byte(v))
				i = j
			default:
				b.WriteByte(nx)
				i += 2
			}
		default:
			b.WriteByte(ch)
			i++
		}
	}
	return b.String(), len(s)
}
