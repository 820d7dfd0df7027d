package fentinel

import (
	"fmt"
	"strings"
)

// Severity ranks how urgent a finding is.
type Severity int

// Severities from lowest to highest. SeverityNone means "not flagged".
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = []string{"none", "low", "medium", "high", "critical"}

// String returns the lower-case name of the severity.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name (case-insensitive).
func ParseSeverity(name string) (Severity, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames, ", "))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Substance classes used by rules, verdicts and alert routing.
const (
	ClassFentanyl   = "fentanyl"   // fentanyl and the medical fentanyls
	ClassAnalogue   = "analogue"   // non-pharmaceutical fentanyl analogues
	ClassNitazene   = "nitazene"   // 2-benzylbenzimidazole opioids
	ClassNSO        = "nso"        // other novel synthetic opioids
	ClassPrecursor  = "precursor"  // fentanyl precursors
	ClassPill       = "pill"       // counterfeit M30-type pills
	ClassAdulterant = "adulterant" // xylazine and other cuts sold with fentanyl
	ClassSlang      = "slang"      // street names that need sale context
)

// Evidence kinds: why a verdict went the way it did.
const (
	EvidenceSubstance = "substance" // a substance name, alias, CAS number or imprint
	EvidenceSale      = "sale"      // a sale-frame cue (price, quantity, cart, escrow, shipping, vendor)
	EvidenceDecoy     = "decoy"     // a decoy or negation frame (test strips, naloxone, news, rules, "no fent")
)

// Evidence is one matched rule with the text it matched.
type Evidence struct {
	Rule    string  `json:"rule"`             // rule id, e.g. "substance:carfentanil" or "sale:price"
	Kind    string  `json:"kind"`             // EvidenceSubstance, EvidenceSale or EvidenceDecoy
	Term    string  `json:"term"`             // the matched text as it appears in the original
	Snippet string  `json:"snippet"`          // surrounding original text, a few dozen characters either side
	Zone    string  `json:"zone,omitempty"`   // where on the page: title, heading, main, body, alt, nav
	Weight  float64 `json:"weight"`           // contribution to the score (negative for decoys)
	Offset  int     `json:"offset,omitempty"` // byte offset of Term in the page's extracted text
}

// Entity kinds.
const (
	EntityBTC    = "btc"
	EntityXMR    = "xmr"
	EntityETH    = "eth"
	EntityPGP    = "pgp" // PGP fingerprint (hex, upper case)
	EntityEmail  = "email"
	EntityHandle = "handle" // contact handle; Network says which (telegram, session, wickr, ...)
	EntityOnion  = "onion"
)

// Entity is an identifier extracted from a page: a wallet, key, contact or onion.
type Entity struct {
	Kind    string `json:"kind"`
	Value   string `json:"value"`
	Network string `json:"network,omitempty"` // for handles: telegram, session, wickr, threema, signal, jabber
}

// Extracted holds the structured fields pulled from a listing page.
type Extracted struct {
	Title     string   `json:"title,omitempty"`
	Price     float64  `json:"price,omitempty"`
	Currency  string   `json:"currency,omitempty"` // ISO code or crypto ticker: USD, EUR, BTC, XMR, ...
	Quantity  float64  `json:"quantity,omitempty"`
	Unit      string   `json:"unit,omitempty"` // g, mg, mcg, kg, ml, pills, patches, ...
	Vendor    string   `json:"vendor,omitempty"`
	ShipsFrom string   `json:"ships_from,omitempty"`
	ShipsTo   string   `json:"ships_to,omitempty"`
	Entities  []Entity `json:"entities,omitempty"`
}

// Verdict is the detector's judgement of one page. It is deterministic for a
// given page and rule set.
type Verdict struct {
	Flagged    bool       `json:"flagged"`
	Score      float64    `json:"score"` // in [0,1]
	Severity   Severity   `json:"severity"`
	Substances []string   `json:"substances"` // canonical names, sorted
	Classes    []string   `json:"classes"`    // substance classes, sorted
	Evidence   []Evidence `json:"evidence"`
	Extracted  Extracted  `json:"extracted"`
	Language   string     `json:"language,omitempty"` // best guess, BCP 47 primary tag
	// PageKind is what sort of page this is (PageListing, PageIndex, …), a
	// hint from the URL path and the page's structure; "" when unknown.
	PageKind     string `json:"page_kind,omitempty"`
	RulesVersion string `json:"rules_version"`
}

// Page kinds: what sort of page a verdict judged. Index and vendor pages
// that list offers are findings too, but analysts and alert routes may
// want listings first.
const (
	PageListing = "listing" // one product offer
	PageIndex   = "index"   // several offers: home, category, search results, shop front
	PageVendor  = "vendor"  // a vendor's profile or storefront
	PageForum   = "forum"   // a forum thread or post
	PageArticle = "article" // news, blog, rules, guides, help
)

// PageKinds lists the page kinds, in the order above.
var PageKinds = []string{PageListing, PageIndex, PageVendor, PageForum, PageArticle}
