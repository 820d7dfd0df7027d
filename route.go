package fentinel

// Route says which finding events one alert sink receives. The store applies
// routes when it queues outbox rows, in the same transaction as the finding.
type Route struct {
	Sink        string   `json:"sink" yaml:"sink"`
	MinSeverity Severity `json:"min_severity" yaml:"min_severity"`
	Classes     []string `json:"classes,omitempty" yaml:"classes"` // empty: every class
	Sites       []string `json:"sites,omitempty" yaml:"sites"`     // empty: every site
	// PageKinds limits the route to findings of these page kinds (PageListing,
	// …); empty: every kind. A finding whose kind is unknown always passes.
	PageKinds []string       `json:"page_kinds,omitempty" yaml:"page_kinds"`
	OnNew     bool           `json:"on_new" yaml:"on_new"`
	OnChange  ChangeTriggers `json:"on_change" yaml:"on_change"`
}

// ChangeTriggers says which material changes to a known listing alert again.
type ChangeTriggers struct {
	NewSubstance   bool    `json:"new_substance" yaml:"new_substance"`
	BackInStock    bool    `json:"back_in_stock" yaml:"back_in_stock"`
	NewVendor      bool    `json:"new_vendor" yaml:"new_vendor"`
	PriceChangePct float64 `json:"price_change_pct" yaml:"price_change_pct"` // 0: off
}

// DefaultRoute is the route a sink gets when the configuration says nothing:
// every new finding, and every material change.
func DefaultRoute(sink string) Route {
	return Route{
		Sink:     sink,
		OnNew:    true,
		OnChange: ChangeTriggers{NewSubstance: true, BackInStock: true, NewVendor: true, PriceChangePct: 20},
	}
}

// Matches reports whether an event for a finding of this severity, classes,
// site and page kind should reach the route's sink (the trigger check is
// separate).
func (r Route) Matches(sev Severity, classes []string, site, pageKind string) bool {
	if sev < r.MinSeverity {
		return false
	}
	if len(r.Sites) > 0 && !contains(r.Sites, site) {
		return false
	}
	if len(r.PageKinds) > 0 && pageKind != "" && !contains(r.PageKinds, pageKind) {
		return false
	}
	if len(r.Classes) > 0 {
		for _, c := range classes {
			if contains(r.Classes, c) {
				return true
			}
		}
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
