package torctl

import (
	"bufio"
	"strings"
	"testing"
)

func FuzzParseEvent(f *testing.F) {
	f.Add(`STREAM 21 SUCCEEDED 7 x.onion:80 SOCKS_USERNAME="a\"b" ISO_FIELDS=A,B`)
	f.Add(`CIRC 7 BUILT $A~b,$C~d PURPOSE=GENERAL REND_QUERY="\777`)
	f.Fuzz(func(t *testing.T, line string) {
		ev := ParseEvent(line)
		if ev.Raw != line {
			t.Fatalf("Raw = %q, want %q", ev.Raw, line)
		}
		if (ev.Stream != nil) != (ev.Type == "STREAM") || (ev.Circ != nil) != (ev.Type == "CIRC") {
			t.Fatalf("type %q with stream=%v circ=%v", ev.Type, ev.Stream != nil, ev.Circ != nil)
		}
	})
}

func FuzzReadReply(f *testing.F) {
	f.Add("250-a=b\r\n250+c=\r\nx\r\n..y\r\n.\r\n250 OK\r\n")
	f.Add("650 STREAM 1 NEW 0 a:1\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		br := bufio.NewReader(strings.NewReader(in))
		for i := 0; i < 100; i++ {
			r, err := readReply(br)
			if err != nil {
				return
			}
			if r.Code < 0 || r.Code > 999 || len(r.Lines) == 0 {
				t.Fatalf("reply %+v", r)
			}
		}
	})
}
