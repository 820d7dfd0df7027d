package fentinel

import "testing"

func TestRouteMatches(t *testing.T) {
	tests := []struct {
		name    string
		route   Route
		sev     Severity
		classes []string
		site    string
		kind    string
		want    bool
	}{
		{"default takes all", DefaultRoute("hook"), SeverityMedium, []string{ClassPrecursor}, "a.onion", PageIndex, true},
		{"below min severity", Route{MinSeverity: SeverityHigh}, SeverityMedium, nil, "a.onion", "", false},
		{"at min severity", Route{MinSeverity: SeverityHigh}, SeverityHigh, nil, "a.onion", "", true},
		{"class filter hit", Route{Classes: []string{ClassNitazene}}, SeverityCritical, []string{ClassFentanyl, ClassNitazene}, "a.onion", "", true},
		{"class filter miss", Route{Classes: []string{ClassNitazene}}, SeverityCritical, []string{ClassFentanyl}, "a.onion", "", false},
		{"site filter miss", Route{Sites: []string{"b.onion"}}, SeverityHigh, nil, "a.onion", "", false},
		{"site filter hit", Route{Sites: []string{"b.onion"}}, SeverityHigh, nil, "b.onion", "", true},
		{"kind filter hit", Route{PageKinds: []string{PageListing}}, SeverityHigh, nil, "a.onion", PageListing, true},
		{"kind filter miss", Route{PageKinds: []string{PageListing}}, SeverityHigh, nil, "a.onion", PageIndex, false},
		{"unknown kind passes a kind filter", Route{PageKinds: []string{PageListing}}, SeverityHigh, nil, "a.onion", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.route.Matches(tt.sev, tt.classes, tt.site, tt.kind); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseSeverity(t *testing.T) {
	for _, name := range []string{"none", "low", "medium", "high", "critical", "HIGH"} {
		s, err := ParseSeverity(name)
		if err != nil {
			t.Fatalf("ParseSeverity(%q): %v", name, err)
		}
		if got, _ := s.MarshalText(); string(got) == "" {
			t.Fatalf("empty text for %q", name)
		}
	}
	if _, err := ParseSeverity("urgent"); err == nil {
		t.Fatal("ParseSeverity(urgent) succeeded, want error")
	}
}
