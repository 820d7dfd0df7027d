package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fentinel/fentinel"
)

// mispDistribution maps a TLP level to the MISP event distribution:
// 0 your organisation only, 1 this community only, 3 all communities.
var mispDistribution = map[string]string{"clear": "3", "green": "1", "amber": "0", "amber+strict": "0", "red": "0"}

// MISPEvent builds a MISP core-format event: {"Event": {...}} with one set
// of Attributes per finding (url, text summary, btc, xmr, pgp-public-key,
// email-src, domain, jabber-id) and a TLP tag.
func MISPEvent(items []Item, opt Options) (map[string]any, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(opt.Now.Unix(), 10)
	threat := "3" // low
	for _, it := range items {
		switch {
		case it.Finding.Severity >= fentinel.SeverityHigh:
			threat = "1"
		case it.Finding.Severity == fentinel.SeverityMedium && threat == "3":
			threat = "2"
		}
	}
	var attrs []map[string]any
	seen := map[string]bool{}
	add := func(f fentinel.Finding, typ, category, value string, toIDs bool, comment string) {
		if value == "" {
			return
		}
		key := strconv.FormatInt(f.ID, 10) + "\x00" + typ + "\x00" + value
		if seen[key] {
			return
		}
		seen[key] = true
		attrs = append(attrs, map[string]any{
			"uuid": uuid5(fentinelNS, "misp-attribute:"+f.Site+"\x00"+f.URL+"\x00"+typ+"\x00"+value),
			"type": typ, "category": category, "value": value, "to_ids": toIDs,
			"timestamp": ts, "distribution": "5", "deleted": false,
			"comment": truncate(fmt.Sprintf("finding %d: %s", f.ID, f.Title), 250),
		})
	}
	for _, it := range items {
		f := it.Finding
		add(f, "url", "Network activity", f.URL, true, "")
		summary := fmt.Sprintf("%s | %s | severity %s, score %.2f | substances: %s", f.Title, f.Site, f.Severity, f.Score, strings.Join(f.Substances, ", "))
		if f.Price > 0 {
			summary += fmt.Sprintf(" | price %g %s", f.Price, f.Currency)
		}
		if f.Vendor != "" {
			summary += " | vendor " + f.Vendor
		}
		add(f, "text", "Other", summary, false, "")
		for _, e := range it.Entities {
			switch e.Kind {
			case fentinel.EntityBTC:
				add(f, "btc", "Financial fraud", e.Value, true, "")
			case fentinel.EntityXMR:
				add(f, "xmr", "Financial fraud", e.Value, true, "")
			case fentinel.EntityETH:
				add(f, "text", "Financial fraud", "eth wallet "+e.Value, false, "")
			case fentinel.EntityPGP:
				add(f, "pgp-public-key", "Person", e.Value, false, "")
			case fentinel.EntityEmail:
				add(f, "email-src", "Payload delivery", e.Value, true, "")
			case fentinel.EntityOnion:
				add(f, "domain", "Network activity", e.Value, true, "")
			case fentinel.EntityHandle:
				if e.Network == "jabber" || e.Network == "xmpp" {
					add(f, "jabber-id", "Social network", e.Value, false, "")
				} else {
					add(f, "text", "Social network", e.Network+" handle "+e.Value, false, "")
				}
			}
		}
	}
	if attrs == nil {
		attrs = []map[string]any{}
	}
	info := opt.Title
	if info == "" {
		info = fmt.Sprintf("Fentinel: %d fentanyl-class listings on monitored markets", len(items))
	}
	info = strings.Join(strings.Fields(info), " ")
	event := map[string]any{
		"uuid":              uuid4(),
		"info":              truncate(info, 256),
		"date":              opt.Now.Format("2006-01-02"),
		"timestamp":         ts,
		"publish_timestamp": "0",
		"published":         false,
		"analysis":          "0",
		"threat_level_id":   threat,
		"distribution":      mispDistribution[opt.TLP],
		"org_id":            "0",
		"orgc_id":           "0",
		"Orgc":              map[string]any{"name": opt.Producer, "uuid": uuid5(fentinelNS, "identity:"+opt.Producer)},
		"Tag":               []map[string]any{{"name": "tlp:" + opt.TLP}},
		"Attribute":         attrs,
	}
	return map[string]any{"Event": event}, nil
}

// MISP writes a MISP event (see MISPEvent) as indented JSON.
func MISP(w io.Writer, items []Item, opt Options) error {
	ev, err := MISPEvent(items, opt)
	if err != nil {
		return err
	}
	return writeIndented(w, "misp", ev)
}
