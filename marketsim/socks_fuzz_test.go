package marketsim

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// FuzzSOCKSHandshake feeds arbitrary client bytes to the server side of the
// handshake: it must never panic, and a request it accepts must carry a
// known address type.
func FuzzSOCKSHandshake(f *testing.F) {
	onion := OnionFromSeed("fuzz-socks")
	ok := append([]byte{5, 1, 0, 5, 1, 0, 3, byte(len(onion))}, onion...)
	f.Add(append(ok, 0, 80))
	f.Add([]byte{5, 2, 0, 2, 1, 2, 'u', 'p', 1, 'x', 5, 1, 0, 1, 127, 0, 0, 1, 0, 80})
	f.Add([]byte{5, 1, 2, 1, 0, 0, 5, 1, 0, 4})
	f.Add([]byte{4, 1, 0, 80, 127, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		s := &socksServer{}
		br := bufio.NewReader(bytes.NewReader(in))
		if _, _, err := s.negotiate(br, io.Discard); err != nil {
			return
		}
		req, err := readRequest(br)
		if err != nil {
			return
		}
		if req.ATYP != ATYPIPv4 && req.ATYP != ATYPIPv6 && req.ATYP != ATYPDomain {
			t.Fatalf("accepted address type %d", req.ATYP)
		}
	})
}
