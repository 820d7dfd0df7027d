package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fentinel/fentinel"
)

var (
	now     = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	onionA  = "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmmnnnn.onion"
	onionB  = "ppppqqqqrrrrssssttttuuuuvvvvwwwwxxxxyyyyzzzz22223333444a.onion"
	pgpFP   = "0123456789ABCDEF0123456789ABCDEF01234567"
	btcAddr = "bc1qexamplesyntheticwallet000000000000000"
	xmrAddr = "4" + strings.Repeat("B", 94)
)

func sampleItems() []Item {
	return []Item{
		{
			Finding: fentinel.Finding{ID: 1, URL: "http://" + onionA + "/listing/1", Site: onionA, Title: "Carfentanil 100mcg <b>pure</b> & \"lab\"",
				Score: 0.97, Severity: fentinel.SeverityCritical, Substances: []string{"carfentanil"}, Classes: []string{"analogue"},
				Price: 250, Currency: "USD", Vendor: "nightowl", Snippet: "Contains carfentanil.", Status: "new",
				FirstSeen: now.Add(-48 * time.Hour), LastSeen: now.Add(-time.Hour)},
			Entities: []fentinel.Entity{
				{Kind: fentinel.EntityBTC, Value: btcAddr}, {Kind: fentinel.EntityXMR, Value: xmrAddr},
				{Kind: fentinel.EntityPGP, Value: pgpFP}, {Kind: fentinel.EntityEmail, Value: "owl@example.invalid"},
				{Kind: fentinel.EntityHandle, Value: "owl_shop", Network: "telegram"}, {Kind: fentinel.EntityOnion, Value: onionB},
			},
			Observations: 3,
		},
		{
			Finding: fentinel.Finding{ID: 2, URL: "http://" + onionB + "/item/7", Site: onionB, Title: "M30 pills x100",
				Score: 0.8, Severity: fentinel.SeverityHigh, Substances: []string{"fentanyl"}, Status: "confirmed",
				FirstSeen: now.Add(-2 * time.Hour), LastSeen: now.Add(-2 * time.Hour)},
			Entities: []fentinel.Entity{{Kind: fentinel.EntityBTC, Value: btcAddr}}, // the same wallet: one SCO
		},
	}
}

var (
	stixIDRE   = regexp.MustCompile(`^([a-z0-9-]+)--([0-9a-f]{8}-[0-9a-f]{4}-([1-5])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)
	stixTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$`)
)

// sdoTypes are the object types that carry the common SDO properties
// (STIX 2.1 section 3.2: type, spec_version, id, created, modified).
var sdoTypes = map[string]bool{"identity": true, "observed-data": true, "note": true, "report": true, "extension-definition": true}
var scoTypes = map[string]bool{"url": true, "email-addr": true, "domain-name": true, "user-account": true, "cryptocurrency-wallet": true}

func need(t *testing.T, o map[string]any, props ...string) {
	t.Helper()
	for _, p := range props {
		v, ok := o[p]
		if !ok || v == nil || v == "" {
			t.Errorf("%v: required property %q missing", o["id"], p)
		}
	}
}

func checkTime(t *testing.T, o map[string]any, props ...string) {
	t.Helper()
	for _, p := range props {
		s, _ := o[p].(string)
		if !stixTimeRE.MatchString(s) {
			t.Errorf("%v: %s = %q is not a STIX timestamp with millisecond precision", o["id"], p, s)
		}
	}
}

func decodeBundle(t *testing.T, items []Item, opt Options) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := STIX(&buf, items, opt); err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		t.Fatalf("bundle is not JSON: %v", err)
	}
	return b
}

func TestSTIXRequiredProperties(t *testing.T) {
	b := decodeBundle(t, sampleItems(), Options{Producer: "Example Police Cyber Unit", TLP: "amber", Now: now})
	// Bundle (section 8): type and id required, no spec_version in 2.1.
	if b["type"] != "bundle" || !stixIDRE.MatchString(b["id"].(string)) || !strings.HasPrefix(b["id"].(string), "bundle--") {
		t.Fatalf("bundle header %v %v", b["type"], b["id"])
	}
	if _, ok := b["spec_version"]; ok {
		t.Error("bundle carries spec_version; STIX 2.1 bundles do not")
	}
	objs := b["objects"].([]any)
	byID := map[string]map[string]any{}
	byType := map[string][]map[string]any{}
	for _, x := range objs {
		o := x.(map[string]any)
		id, _ := o["id"].(string)
		m := stixIDRE.FindStringSubmatch(id)
		if m == nil || m[1] != o["type"] {
			t.Fatalf("object id %q does not match type %v", id, o["type"])
		}
		if byID[id] != nil {
			t.Fatalf("duplicate object %s", id)
		}
		byID[id] = o
		typ := o["type"].(string)
		byType[typ] = append(byType[typ], o)
		if o["spec_version"] != "2.1" {
			t.Errorf("%s: spec_version %v", id, o["spec_version"])
		}
		if sdoTypes[typ] {
			need(t, o, "created", "modified")
			checkTime(t, o, "created", "modified")
			if o["modified"].(string) < o["created"].(string) {
				t.Errorf("%s: modified before created", id)
			}
		}
		if scoTypes[typ] && m[3] != "5" {
			t.Errorf("%s: SCO ids must be UUIDv5 (deterministic)", id)
		}
	}
	// Every reference resolves inside the bundle.
	for id, o := range byID {
		var refs []string
		if s, ok := o["created_by_ref"].(string); ok {
			refs = append(refs, s)
		}
		for _, k := range []string{"object_refs", "object_marking_refs"} {
			if l, ok := o[k].([]any); ok {
				for _, r := range l {
					refs = append(refs, r.(string))
				}
			}
		}
		for _, r := range refs {
			if byID[r] == nil {
				t.Errorf("%s refers to %s, which is not in the bundle", id, r)
			}
		}
	}
	// marking-definition (section 7.2.1): TLP 2.0 by the OASIS-published id.
	md := byType["marking-definition"]
	if len(md) != 1 || md[0]["id"] != "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" || md[0]["name"] != "TLP:AMBER" {
		t.Fatalf("marking = %v", md)
	}
	need(t, md[0], "created", "extensions")
	checkTime(t, md[0], "created")
	ext := md[0]["extensions"].(map[string]any)[tlp2Extension].(map[string]any)
	if ext["extension_type"] != "property-extension" || ext["tlp_2_0"] != "amber" {
		t.Fatalf("TLP extension = %v", ext)
	}
	// identity (section 4.5): name; identity_class from the vocabulary.
	var producer map[string]any
	for _, o := range byType["identity"] {
		need(t, o, "name")
		if o["name"] == "Example Police Cyber Unit" {
			producer = o
		}
	}
	if producer == nil || producer["identity_class"] != "organization" {
		t.Fatalf("no producing-agency identity: %v", byType["identity"])
	}
	// observed-data (section 4.9): first/last_observed, number_observed, object_refs; not the deprecated objects.
	if len(byType["observed-data"]) != 2 {
		t.Fatalf("observed-data = %d, want 2", len(byType["observed-data"]))
	}
	for _, o := range byType["observed-data"] {
		need(t, o, "first_observed", "last_observed", "number_observed", "object_refs", "created_by_ref")
		checkTime(t, o, "first_observed", "last_observed")
		if o["last_observed"].(string) < o["first_observed"].(string) {
			t.Errorf("%v: last_observed before first_observed", o["id"])
		}
		n := o["number_observed"].(float64)
		if n < 1 || n > 999999999 || n != float64(int(n)) {
			t.Errorf("%v: number_observed %v", o["id"], n)
		}
		if _, ok := o["objects"]; ok {
			t.Errorf("%v: uses the deprecated objects property", o["id"])
		}
		if o["created_by_ref"] != producer["id"] {
			t.Errorf("%v: created_by_ref %v", o["id"], o["created_by_ref"])
		}
		if refs := o["object_marking_refs"].([]any); len(refs) != 1 || refs[0] != md[0]["id"] {
			t.Errorf("%v: marking refs %v", o["id"], refs)
		}
	}
	// SCOs (section 6): the values required by each type.
	wantSCO := map[string]int{"url": 2, "email-addr": 1, "domain-name": 1, "user-account": 1, "cryptocurrency-wallet": 2}
	for typ, n := range wantSCO {
		if len(byType[typ]) != n {
			t.Errorf("%s objects = %d, want %d", typ, len(byType[typ]), n)
		}
	}
	for _, typ := range []string{"url", "email-addr", "domain-name"} {
		for _, o := range byType[typ] {
			need(t, o, "value")
		}
	}
	for _, o := range byType["user-account"] {
		need(t, o, "account_login")
	}
	// The wallet is a new SCO through an extension definition (section 7.3).
	for _, o := range byType["cryptocurrency-wallet"] {
		need(t, o, "address", "extensions")
		e, ok := o["extensions"].(map[string]any)[WalletExtensionID].(map[string]any)
		if !ok || e["extension_type"] != "new-sco" {
			t.Errorf("%v: extensions %v", o["id"], o["extensions"])
		}
	}
	ed := byID[WalletExtensionID]
	if ed == nil {
		t.Fatal("wallet extension-definition not in the bundle")
	}
	need(t, ed, "created_by_ref", "name", "schema", "version", "extension_types")
	for _, et := range ed["extension_types"].([]any) {
		switch et {
		case "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension":
		default:
			t.Errorf("extension type %v", et)
		}
	}
	// note (section 4.8): content and object_refs.
	if len(byType["note"]) != 2 {
		t.Fatalf("notes = %d", len(byType["note"]))
	}
	for _, o := range byType["note"] {
		need(t, o, "content", "object_refs")
	}
	if c := byType["note"][0]["content"].(string); !strings.Contains(c, pgpFP) || !strings.Contains(c, "carfentanil") {
		t.Errorf("note content lacks the PGP fingerprint or substance: %q", c)
	}
	// report (section 4.14): name, published, object_refs, grouping everything.
	r := byType["report"]
	if len(r) != 1 {
		t.Fatalf("reports = %d", len(r))
	}
	need(t, r[0], "name", "published", "object_refs")
	checkTime(t, r[0], "published")
	if len(r[0]["object_refs"].([]any)) != 4 {
		t.Errorf("report refs = %v", r[0]["object_refs"])
	}
}

func TestSTIXDeterministicIDsAndTLP(t *testing.T) {
	ids := func(b map[string]any) map[string]bool {
		out := map[string]bool{}
		for _, x := range b["objects"].([]any) {
			o := x.(map[string]any)
			if o["type"] != "report" {
				out[o["id"].(string)] = true
			}
		}
		return out
	}
	a := ids(decodeBundle(t, sampleItems(), Options{Now: now}))
	b := ids(decodeBundle(t, sampleItems(), Options{Now: now.Add(time.Hour)}))
	for id := range a {
		if !b[id] {
			t.Errorf("%s not stable across exports", id)
		}
	}
	for level, want := range map[string]string{
		"clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "white": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
		"TLP:GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
		"red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	} {
		got := decodeBundle(t, sampleItems(), Options{TLP: level, Now: now})
		if id := got["objects"].([]any)[0].(map[string]any)["id"]; id != want {
			t.Errorf("TLP %q: marking %v, want %v", level, id, want)
		}
	}
	if _, err := STIXBundle(nil, Options{TLP: "purple"}); err == nil {
		t.Error("unknown TLP accepted")
	}
	// An empty export is still a valid bundle (no report, which needs object_refs).
	empty := decodeBundle(t, nil, Options{Now: now})
	for _, x := range empty["objects"].([]any) {
		if x.(map[string]any)["type"] == "report" {
			t.Error("empty export has a report with no object_refs")
		}
	}
}

// mispCategories are the categories MISP's describeTypes allows for the
// attribute types the export uses (default category first).
var mispCategories = map[string][]string{
	"url":            {"Network activity", "Payload delivery", "External analysis"},
	"text":           {"Other", "Financial fraud", "Social network", "Person", "Attribution", "External analysis", "Internal reference"},
	"btc":            {"Financial fraud"},
	"xmr":            {"Financial fraud"},
	"pgp-public-key": {"Person", "Other", "Social network"},
	"email-src":      {"Payload delivery", "Network activity", "Social network"},
	"domain":         {"Network activity", "Payload delivery", "External analysis"},
	"jabber-id":      {"Social network", "Person", "Attribution"},
}

func TestMISPRequiredProperties(t *testing.T) {
	var buf bytes.Buffer
	if err := MISP(&buf, sampleItems(), Options{Producer: "Example Police Cyber Unit", TLP: "green", Now: now}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ev := doc["Event"]
	if ev == nil {
		t.Fatal(`no top-level "Event"`)
	}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, k := range []string{"uuid", "info", "date", "timestamp", "publish_timestamp", "published", "org_id", "orgc_id", "distribution",
		"threat_level_id", "analysis"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("Event lacks %q", k)
		}
	}
	if !uuidRE.MatchString(ev["uuid"].(string)) {
		t.Errorf("uuid %v", ev["uuid"])
	}
	if info := ev["info"].(string); len(info) > 256 || strings.ContainsAny(info, "\r\n") {
		t.Errorf("info %q", info)
	}
	if ev["date"] != "2026-11-28" || ev["timestamp"] != strconv.FormatInt(now.Unix(), 10) || ev["published"] != false {
		t.Errorf("date/timestamp/published = %v %v %v", ev["date"], ev["timestamp"], ev["published"])
	}
	if d := ev["distribution"].(string); d != "1" {
		t.Errorf("distribution for TLP:GREEN = %v, want 1 (this community)", d)
	}
	if ev["threat_level_id"] != "1" || ev["analysis"] != "0" {
		t.Errorf("threat level %v analysis %v", ev["threat_level_id"], ev["analysis"])
	}
	tags := ev["Tag"].([]any)
	if len(tags) != 1 || tags[0].(map[string]any)["name"] != "tlp:green" {
		t.Errorf("tags = %v", tags)
	}
	types := map[string]int{}
	for _, x := range ev["Attribute"].([]any) {
		a := x.(map[string]any)
		for _, k := range []string{"uuid", "type", "category", "value", "to_ids", "timestamp", "distribution", "deleted"} {
			if _, ok := a[k]; !ok {
				t.Errorf("attribute %v lacks %q", a["value"], k)
			}
		}
		typ := a["type"].(string)
		types[typ]++
		cats, known := mispCategories[typ]
		if !known {
			t.Errorf("attribute type %q is not one the export should use", typ)
			continue
		}
		ok := false
		for _, c := range cats {
			ok = ok || c == a["category"]
		}
		if !ok {
			t.Errorf("attribute %s: category %v not valid for the type", typ, a["category"])
		}
		if _, isBool := a["to_ids"].(bool); !isBool {
			t.Errorf("to_ids not a bool: %v", a["to_ids"])
		}
		if !uuidRE.MatchString(a["uuid"].(string)) {
			t.Errorf("attribute uuid %v", a["uuid"])
		}
	}
	for _, want := range []string{"url", "btc", "xmr", "pgp-public-key", "text"} {
		if types[want] == 0 {
			t.Errorf("no %s attribute (have %v)", want, types)
		}
	}
	if types["url"] != 2 || types["btc"] != 2 {
		t.Errorf("attribute counts %v", types)
	}
}

func TestCSVAndJSONL(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, sampleItems()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 3 || len(recs[0]) != len(CSVHeader) {
		t.Fatalf("csv = %v, %v", recs, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if recs[1][col["pgp"]] != pgpFP || recs[1][col["handles"]] != "telegram:owl_shop" || recs[1][col["title"]] != sampleItems()[0].Finding.Title {
		t.Fatalf("row = %v", recs[1])
	}
	buf.Reset()
	if err := JSONL(&buf, sampleItems()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl lines = %d", len(lines))
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["id"].(float64) != 1 || len(rec["entities"].([]any)) != 6 || rec["severity"] != "critical" {
		t.Fatalf("jsonl record %v", rec)
	}
}

// TestFindingCSVColumns: the finding columns lead the export header, and
// every data row has a value for each header column.
func TestFindingCSVColumns(t *testing.T) {
	if !slices.Equal(CSVHeader[:len(FindingCSVHeader)], FindingCSVHeader) {
		t.Fatalf("CSVHeader %v does not start with FindingCSVHeader %v", CSVHeader, FindingCSVHeader)
	}
	for _, it := range sampleItems() {
		rec := FindingCSVRecord(it.Finding)
		if len(rec) != len(FindingCSVHeader) {
			t.Fatalf("record has %d columns, header %d", len(rec), len(FindingCSVHeader))
		}
		if rec[0] != strconv.FormatInt(it.Finding.ID, 10) || rec[1] != it.Finding.URL || rec[14] != it.Finding.Snippet {
			t.Errorf("record %v for finding %d", rec, it.Finding.ID)
		}
	}
}

func TestUUID5KnownVector(t *testing.T) {
	// RFC 4122 appendix / Python uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
	dns := parseUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	if got := uuid5(dns, "python.org"); got != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Fatalf("uuid5 = %s", got)
	}
}
