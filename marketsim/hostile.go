package marketsim

import "net/http"

type lab struct{ market *market }

func newLab(s *Sim) *lab {
	m := &market{Market: Market{Name: "HostileLab", Layout: LayoutLab, Onion: OnionFromSeed(s.opts.Seed + "/lab")}, sim: s}
	m.serve = http.NotFoundHandler()
	return &lab{market: m}
}

func (l *lab) truth() []Listing { return nil }
