package detect

import (
	"sort"

	"github.com/fentinel/fentinel"
)

// Sample is one labelled page of an evaluation corpus.
type Sample struct {
	Name     string
	Page     fentinel.Page
	Positive bool
	Category string
	Language string
	Evasion  string
	Layout   string
}

// Counts is a confusion matrix.
type Counts struct {
	TP, FP, FN, TN int
}

// N is the number of samples counted.
func (c Counts) N() int { return c.TP + c.FP + c.FN + c.TN }

// Precision is TP/(TP+FP), 1 when nothing was flagged.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN), 1 when there are no positives.
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (c *Counts) add(positive, flagged bool) {
	switch {
	case positive && flagged:
		c.TP++
	case positive:
		c.FN++
	case flagged:
		c.FP++
	default:
		c.TN++
	}
}

// Miss is a sample the detector got wrong.
type Miss struct {
	Sample  string
	Want    bool
	Score   float64
	Verdict fentinel.Verdict
}

// Report is the result of Evaluate.
type Report struct {
	Overall    Counts
	ByCategory map[string]*Counts
	ByLanguage map[string]*Counts
	ByEvasion  map[string]*Counts
	ByLayout   map[string]*Counts
	Misses     []Miss
}

// Evaluate runs the detector over labelled samples.
func Evaluate(d *Detector, samples []Sample) Report {
	r := Report{
		ByCategory: map[string]*Counts{}, ByLanguage: map[string]*Counts{},
		ByEvasion: map[string]*Counts{}, ByLayout: map[string]*Counts{},
	}
	bump := func(m map[string]*Counts, k string, pos, flag bool) {
		if k == "" {
			return
		}
		c := m[k]
		if c == nil {
			c = &Counts{}
			m[k] = c
		}
		c.add(pos, flag)
	}
	for _, s := range samples {
		v := d.Detect(s.Page)
		r.Overall.add(s.Positive, v.Flagged)
		bump(r.ByCategory, s.Category, s.Positive, v.Flagged)
		bump(r.ByLanguage, s.Language, s.Positive, v.Flagged)
		bump(r.ByEvasion, s.Evasion, s.Positive, v.Flagged)
		bump(r.ByLayout, s.Layout, s.Positive, v.Flagged)
		if v.Flagged != s.Positive {
			r.Misses = append(r.Misses, Miss{Sample: s.Name, Want: s.Positive, Score: v.Score, Verdict: v})
		}
	}
	sort.Slice(r.Misses, func(i, j int) bool { return r.Misses[i].Sample < r.Misses[j].Sample })
	return r
}

// Keys returns the sorted keys of a breakdown.
func Keys(m map[string]*Counts) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
