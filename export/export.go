// Package export writes findings in formats analysts exchange with partner
// agencies: CSV, JSON Lines, STIX 2.1 bundles and MISP events. It does no
// I/O of its own beyond the writer it is given; cmd/fentinel reads the
// findings from the store.
package export

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// Item is one finding with the identifiers extracted from its listing.
type Item struct {
	Finding      fentinel.Finding
	Entities     []fentinel.Entity
	Observations int // how many crawls saw the listing (STIX number_observed); 0 counts as 1
}

// Options configure the STIX and MISP exports.
type Options struct {
	Producer string    // producing agency, e.g. "Example Police Cyber Unit" (default "Fentinel")
	TLP      string    // clear, green, amber, amber+strict or red (default amber); "white" means clear
	Now      time.Time // export time (default time.Now)
	Title    string    // report or event title (default generated)
}

// TLP levels, TLP 2.0 names.
var tlpLevels = []string{"clear", "green", "amber", "amber+strict", "red"}

// NormalizeTLP checks and normalises a TLP level name ("TLP:AMBER",
// "amber", "white" -> "clear").
func NormalizeTLP(level string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(level))
	l = strings.TrimPrefix(l, "tlp:")
	if l == "" {
		return "amber", nil
	}
	if l == "white" {
		return "clear", nil
	}
	for _, v := range tlpLevels {
		if l == v {
			return l, nil
		}
	}
	return "", fmt.Errorf("export: unknown TLP level %q (want clear, green, amber, amber+strict or red)", level)
}

func (o Options) normalized() (Options, error) {
	if o.Producer == "" {
		o.Producer = "Fentinel"
	}
	tlp, err := NormalizeTLP(o.TLP)
	if err != nil {
		return o, err
	}
	o.TLP = tlp
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	return o, nil
}

// entitiesOf returns the values of one kind, sorted and without duplicates.
func entitiesOf(es []fentinel.Entity, kind string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range es {
		if e.Kind == kind && !seen[e.Value] {
			seen[e.Value] = true
			out = append(out, e.Value)
		}
	}
	sort.Strings(out)
	return out
}

func handles(es []fentinel.Entity) []string {
	var out []string
	for _, e := range es {
		if e.Kind == fentinel.EntityHandle {
			if e.Network != "" {
				out = append(out, e.Network+":"+e.Value)
			} else {
				out = append(out, e.Value)
			}
		}
	}
	sort.Strings(out)
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// FindingCSVHeader names a finding's own CSV columns: the first columns of
// CSVHeader, and all of "fentinel findings --format csv".
var FindingCSVHeader = []string{"id", "url", "site", "score", "severity", "substances", "title", "first_seen", "last_seen", "status",
	"price", "currency", "vendor", "classes", "snippet", "page_kind"}

// CSVHeader is the header row of the CSV export: FindingCSVHeader, then the
// extracted identifiers.
var CSVHeader = append(append([]string{}, FindingCSVHeader...),
	"btc", "xmr", "eth", "pgp", "email", "handles", "onions")

// FindingCSVRecord returns f's values for the FindingCSVHeader columns
// (multi-valued fields joined with ";", times in RFC 3339 UTC). The slice is
// new: callers may append to it.
func FindingCSVRecord(f fentinel.Finding) []string {
	return []string{strconv.FormatInt(f.ID, 10), f.URL, f.Site, strconv.FormatFloat(f.Score, 'f', -1, 64), f.Severity.String(),
		strings.Join(f.Substances, ";"), f.Title, rfc3339(f.FirstSeen), rfc3339(f.LastSeen), f.Status,
		strconv.FormatFloat(f.Price, 'f', -1, 64), f.Currency, f.Vendor, strings.Join(f.Classes, ";"), f.Snippet, f.PageKind}
}

// CSV writes one row per finding, multi-valued fields joined with ";".
func CSV(w io.Writer, items []Item) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	for _, it := range items {
		rec := FindingCSVRecord(it.Finding)
		for _, k := range []string{fentinel.EntityBTC, fentinel.EntityXMR, fentinel.EntityETH, fentinel.EntityPGP, fentinel.EntityEmail} {
			rec = append(rec, strings.Join(entitiesOf(it.Entities, k), ";"))
		}
		rec = append(rec, strings.Join(handles(it.Entities), ";"), strings.Join(entitiesOf(it.Entities, fentinel.EntityOnion), ";"))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	return nil
}

// writeIndented writes v as indented JSON without HTML escaping (the STIX
// and MISP documents); format names the export in the error.
func writeIndented(w io.Writer, format string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("export: %s: %w", format, err)
	}
	return nil
}

// jsonlRecord is one JSON Lines export record.
type jsonlRecord struct {
	fentinel.Finding
	Entities []fentinel.Entity `json:"entities"`
}

// JSONL writes one JSON object per finding, with its entities.
func JSONL(w io.Writer, items []Item) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		es := it.Entities
		if es == nil {
			es = []fentinel.Entity{}
		}
		if err := enc.Encode(jsonlRecord{Finding: it.Finding, Entities: es}); err != nil {
			return fmt.Errorf("export: jsonl: %w", err)
		}
	}
	return nil
}

// uuid5 is an RFC 4122 name-based (SHA-1) UUID.
func uuid5(namespace [16]byte, name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return formatUUID(u)
}

// uuid4 is a random RFC 4122 UUID.
func uuid4() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		panic("export: crypto/rand: " + err.Error())
	}
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return formatUUID(u)
}

func formatUUID(u [16]byte) string {
	const hexdig = "0123456789abcdef"
	var b strings.Builder
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b.WriteByte('-')
		}
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&0xf])
	}
	return b.String()
}

func parseUUID(s string) [16]byte {
	var u [16]byte
	s = strings.ReplaceAll(s, "-", "")
	for i := 0; i < 16; i++ {
		v, _ := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		u[i] = byte(v)
	}
	return u
}

// fentinelNS is the namespace for Fentinel's own name-based UUIDs (SDO ids,
// MISP attribute uuids), so re-exports of the same finding keep their ids.
var fentinelNS = parseUUID("6f0b5a4e-3c1d-4b7a-9e2f-8d5c4a3b2e10")
