package detect

import "testing"

// TestNeutraliserOfMatchesRef checks the judge's window lookup against the
// reference neutraliser for every match of every corpus page, as a cue and
// as a mention of every class.
func TestNeutraliserOfMatchesRef(t *testing.T) {
	d := defaultDetector(t)
	classes := map[string]bool{"": true}
	for _, si := range d.subs {
		classes[si.class] = true
	}
	extra := []string{
		"no fentanyl here, not pressed pills, never carfentanil",
		"<title>fentanyl test strips</title><p>buy fent test strips, no fentanyl inside? naloxone kit</p>",
	}
	var docs []*document
	for _, s := range loadCorpus(t) {
		docs = append(docs, parseDocument(decodeBody(s.Page.Body, "text/html"), true, ""))
	}
	for _, x := range extra {
		docs = append(docs, parseDocument(x, true, ""))
	}
	n := 0
	for _, doc := range docs {
		toks := tokenize(doc.text, doc.segs)
		ms := d.findMatchesInto(nil, doc.text, toks)
		var windows []match
		for _, m := range ms {
			e := &d.entries[m.e]
			if e.kind == kDecoy {
				if f := &d.decoys[e.idx]; f.before > 0 || f.after > 0 || f.title {
					windows = append(windows, m)
				}
			}
		}
		var kc cueKinds
		d.split(toks, ms, nil, &kc)
		for _, m := range ms {
			for c := range classes {
				want, wok := d.neutraliserRef(toks, windows, m, c)
				got, gok := d.neutraliserOf(toks, kc.windows, m, c)
				if c == "" {
					got, gok = d.neutraliserOf(toks, kc.negs, m, c)
					if neg := d.negated(toks, kc.negs, m); neg != gok {
						t.Fatalf("negated %v, neutraliserOf %v", neg, gok)
					}
				}
				if got != want || gok != wok {
					t.Fatalf("match %+v class %q: got %d %v, want %d %v", m, c, got, gok, want, wok)
				}
				n++
			}
		}
	}
	t.Logf("%d lookups agree", n)
}
