// Package rules owns Fentinel's rule-file format: the substances the
// detector looks for (names per language, CAS numbers, abbreviations,
// ambiguous slang), the sale-frame cues, the decoy and negation frames,
// scoring weights and thresholds, per-market extraction profiles and inline
// test cases. It loads and validates YAML rule files and embeds the default
// rule set (rules/default/*.yaml). The format is documented in docs/rules.md.
//
// rules does no matching itself; package detect compiles a *Set.
package rules

import (
	"strconv"

	"github.com/fentinel/fentinel"
)

// Languages accepted as keys of term maps. "any" holds language-neutral
// terms (codes, imprints, CAS-like identifiers).
var Languages = []string{"any", "en", "es", "pt", "fr", "de", "ru", "zh"}

// Classes lists the substance classes a rule may name.
var Classes = []string{
	fentinel.ClassFentanyl, fentinel.ClassAnalogue, fentinel.ClassNitazene, fentinel.ClassNSO,
	fentinel.ClassPrecursor, fentinel.ClassPill, fentinel.ClassAdulterant, fentinel.ClassSlang,
}

// Zones are the places on a page that text comes from, in the order the
// detector weighs them by default.
var Zones = []string{"title", "heading", "main", "body", "alt", "nav"}

// Pos is where a rule was defined.
type Pos struct {
	File string
	Line int
}

// String formats the position as file:line.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Terms maps a language code (see Languages) to the terms in that language.
type Terms map[string][]string

// Substance is one substance the detector recognises.
type Substance struct {
	Name          string   `yaml:"name"`          // canonical name, lower case, e.g. "carfentanil"
	Class         string   `yaml:"class"`         // one of Classes
	Severity      string   `yaml:"severity"`      // optional; default from the scoring class severities
	Weight        float64  `yaml:"weight"`        // evidence strength of a plain alias; default 1
	Fuzzy         bool     `yaml:"fuzzy"`         // also match misspellings of long aliases (edit distance)
	Aliases       Terms    `yaml:"aliases"`       // names per language
	Brands        []string `yaml:"brands"`        // brand and product names
	Abbreviations []string `yaml:"abbreviations"` // short forms: matched as whole words only, never fuzzily
	CAS           []string `yaml:"cas"`           // CAS registry numbers (check digit validated)
	Ambiguous     Terms    `yaml:"ambiguous"`     // terms that count only with a sale frame and a context cue
	Context       []string `yaml:"context"`       // context ids an ambiguous term needs (default: "opioid")

	// Sev is the resolved severity (from Severity or the class default).
	Sev fentinel.Severity `yaml:"-"`
	// Pos is where the substance was defined.
	Pos Pos `yaml:"-"`
}

// Frame is a group of cue terms: a sale cue, a decoy or negation frame, or
// a context group for ambiguous terms.
type Frame struct {
	ID      string   `yaml:"id"`      // e.g. "sale:cart" or "decoy:test-strips"
	Weight  float64  `yaml:"weight"`  // page-level contribution in [0,1]
	Builtin string   `yaml:"builtin"` // sale frames only: price, crypto-price, quantity, vendor
	Terms   Terms    `yaml:"terms"`   // cue terms per language
	Before  int      `yaml:"before"`  // decoys: a substance mention up to this many words after the cue is neutralised
	After   int      `yaml:"after"`   // decoys: a substance mention up to this many words before the cue is neutralised
	Damp    float64  `yaml:"damp"`    // decoys: factor applied to a neutralised mention (default from scoring)
	Product bool     `yaml:"product"` // decoys: the cue names a product (test strips, naloxone); in the title it decides the page
	Classes []string `yaml:"classes"` // decoys: neutralise only mentions of these classes (default: all)
	Title   bool     `yaml:"title"`   // decoys: in the title, neutralise every substance mention of the title (books, merch, equipment)
	Page    bool     `yaml:"page"`    // decoys with Classes: neutralise every mention of those classes page-wide

	// Pos is where the frame was defined.
	Pos Pos `yaml:"-"`
}

// Scoring holds weights and thresholds.
type Scoring struct {
	Threshold       float64            `yaml:"threshold"`        // flag at or above this score
	Zones           map[string]float64 `yaml:"zones"`            // zone weights
	ClassSeverity   map[string]string  `yaml:"class_severity"`   // default severity per class
	Secondary       []string           `yaml:"secondary"`        // classes that never flag a page on their own
	EvasionWeight   float64            `yaml:"evasion_weight"`   // factor for split/leet/confusable matches
	FuzzyWeight     float64            `yaml:"fuzzy_weight"`     // factor for fuzzy matches
	AbbrevWeight    float64            `yaml:"abbrev_weight"`    // factor for abbreviations and brands
	AmbiguousWeight float64            `yaml:"ambiguous_weight"` // factor for ambiguous terms in context
	Damp            float64            `yaml:"damp"`             // default factor for neutralised mentions
	SaleFloor       float64            `yaml:"sale_floor"`       // score share a substance gets with no sale frame
	Suffixes        []string           `yaml:"suffixes"`         // inflection endings stripped when a word does not match as is

	// Pos is where the scoring block was defined.
	Pos Pos `yaml:"-"`
}

// Profile holds CSS selectors for one market layout, used when a page's
// host matches one of Hosts (path.Match patterns, e.g. "*.onion").
type Profile struct {
	ID        string   `yaml:"id"`
	Hosts     []string `yaml:"hosts"`
	Title     string   `yaml:"title"`
	Price     string   `yaml:"price"`
	Vendor    string   `yaml:"vendor"`
	ShipsFrom string   `yaml:"ships_from"`
	ShipsTo   string   `yaml:"ships_to"`
	Main      string   `yaml:"main"` // the product block; its text weighs as zone "main"

	// Pos is where the profile was defined.
	Pos Pos `yaml:"-"`
}

// TestCase is an inline example that must (or must not) flag.
type TestCase struct {
	Name       string   `yaml:"name"`
	Text       string   `yaml:"text"`       // page body: HTML if it starts with '<', plain text otherwise
	URL        string   `yaml:"url"`        // optional page URL (selects profiles)
	Flag       bool     `yaml:"flag"`       // expected Verdict.Flagged
	Substances []string `yaml:"substances"` // if set, expected canonical substances (exact, sorted or not)
	Severity   string   `yaml:"severity"`   // if set, expected severity

	// Pos is where the case was defined.
	Pos Pos `yaml:"-"`
}

// Set is a loaded, validated rule set.
type Set struct {
	Name       string
	Substances []Substance
	Sale       []Frame
	Decoys     []Frame
	Contexts   []Frame
	Scoring    Scoring
	Profiles   []Profile
	Tests      []TestCase
	Files      []string // the files the set was loaded from

	version string
}

// Version returns a stable content hash of the set, e.g. "default@3f2a9c1e".
func (s *Set) Version() string { return s.version }

// DefaultScoring returns the scoring values used where a rule set says nothing.
func DefaultScoring() Scoring {
	return Scoring{
		Threshold: 0.5,
		Zones: map[string]float64{
			"title": 1.0, "heading": 0.9, "main": 1.0, "body": 0.8, "alt": 0.6, "nav": 0.25,
		},
		ClassSeverity: map[string]string{
			fentinel.ClassFentanyl: "high", fentinel.ClassAnalogue: "high",
			fentinel.ClassNitazene: "critical", fentinel.ClassNSO: "high",
			fentinel.ClassPrecursor: "medium", fentinel.ClassPill: "high",
			fentinel.ClassAdulterant: "medium", fentinel.ClassSlang: "high",
		},
		Secondary:       []string{fentinel.ClassAdulterant},
		EvasionWeight:   0.95,
		FuzzyWeight:     0.85,
		AbbrevWeight:    0.9,
		AmbiguousWeight: 0.6,
		Damp:            0.05,
		SaleFloor:       0.25,
	}
}
