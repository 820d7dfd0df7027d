package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fentinel/fentinel"
)

// stixNS is the namespace STIX 2.1 (section 2.9) prescribes for
// deterministic SCO identifiers.
var stixNS = parseUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// tlp2Extension is the OASIS extension definition TLP 2.0 markings use.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp2Markings are the OASIS-published TLP 2.0 marking-definition ids.
var tlp2Markings = map[string]string{
	"clear":        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	"green":        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	"amber":        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	"amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	"red":          "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// WalletExtensionID is the id of Fentinel's extension definition for the
// cryptocurrency-wallet SCO (core STIX 2.1 has no wallet object).
const WalletExtensionID = "extension-definition--1b3a7e1c-5f0d-4c52-9b8e-0f6a2d9c7e41"

// fentinelIdentityID is the identity that created the wallet extension.
var fentinelIdentityID = "identity--" + uuid5(fentinelNS, "identity:Fentinel project")

const extensionCreated = "2026-11-28T00:00:00.000Z"

// stixTime formats a STIX timestamp: UTC with millisecond precision.
func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// scoID is a deterministic SCO id from its ID-contributing properties.
func scoID(typ string, contrib map[string]string) string {
	b, _ := json.Marshal(contrib) // Go sorts map keys, as JSON canonicalisation (RFC 8785) requires
	return typ + "--" + uuid5(stixNS, string(b))
}

// stixBundle collects objects once each, in insertion order.
type stixBundle struct {
	objects []map[string]any
	seen    map[string]bool
}

func (b *stixBundle) add(o map[string]any) string {
	id := o["id"].(string)
	if !b.seen[id] {
		b.seen[id] = true
		b.objects = append(b.objects, o)
	}
	return id
}

// STIXBundle builds a STIX 2.1 bundle: an identity for the producing
// agency, the TLP marking, the wallet extension definition, one
// observed-data per finding (referencing url, email-addr, domain-name,
// user-account and cryptocurrency-wallet SCOs), one note per finding with
// the analyst-readable summary, and a report grouping them.
func STIXBundle(items []Item, opt Options) (map[string]any, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	now := stixTime(opt.Now)
	b := &stixBundle{seen: map[string]bool{}}
	marking := tlp2Markings[opt.TLP]
	b.add(map[string]any{
		"type": "marking-definition", "spec_version": "2.1", "id": marking,
		"created": "2022-10-01T00:00:00.000Z", "name": "TLP:" + strings.ToUpper(opt.TLP),
		"extensions": map[string]any{tlp2Extension: map[string]any{"extension_type": "property-extension", "tlp_2_0": opt.TLP}},
	})
	markings := []string{marking}
	producer := b.add(map[string]any{
		"type": "identity", "spec_version": "2.1", "id": "identity--" + uuid5(fentinelNS, "identity:"+opt.Producer),
		"created": now, "modified": now, "name": opt.Producer, "identity_class": "organization",
		"object_marking_refs": markings,
	})
	var walletExt bool
	var reportRefs []string
	for _, it := range items {
		f := it.Finding
		var refs []string
		refs = append(refs, b.add(map[string]any{"type": "url", "spec_version": "2.1",
			"id": scoID("url", map[string]string{"value": f.URL}), "value": f.URL}))
		for _, e := range it.Entities {
			switch e.Kind {
			case fentinel.EntityEmail:
				refs = append(refs, b.add(map[string]any{"type": "email-addr", "spec_version": "2.1",
					"id": scoID("email-addr", map[string]string{"value": e.Value}), "value": e.Value}))
			case fentinel.EntityOnion:
				refs = append(refs, b.add(map[string]any{"type": "domain-name", "spec_version": "2.1",
					"id": scoID("domain-name", map[string]string{"value": e.Value}), "value": e.Value}))
			case fentinel.EntityHandle:
				contrib := map[string]string{"account_login": e.Value}
				o := map[string]any{"type": "user-account", "spec_version": "2.1", "account_login": e.Value}
				if e.Network != "" {
					contrib["account_type"] = e.Network
					o["account_type"] = e.Network
				}
				o["id"] = scoID("user-account", contrib)
				refs = append(refs, b.add(o))
			case fentinel.EntityBTC, fentinel.EntityXMR, fentinel.EntityETH:
				walletExt = true
				refs = append(refs, b.add(map[string]any{"type": "cryptocurrency-wallet", "spec_version": "2.1",
					"id":         scoID("cryptocurrency-wallet", map[string]string{"address": e.Value}),
					"address":    e.Value,
					"currency":   strings.ToUpper(e.Kind),
					"extensions": map[string]any{WalletExtensionID: map[string]any{"extension_type": "new-sco"}},
				}))
			}
		}
		first, last := f.FirstSeen, f.LastSeen
		if first.IsZero() {
			first = opt.Now
		}
		if last.Before(first) {
			last = first
		}
		n := it.Observations
		if n < 1 {
			n = 1
		}
		od := b.add(map[string]any{
			"type": "observed-data", "spec_version": "2.1",
			"id":      "observed-data--" + uuid5(fentinelNS, "observed-data:"+f.Site+"\x00"+f.URL),
			"created": stixTime(first), "modified": stixTime(last), "created_by_ref": producer,
			"first_observed": stixTime(first), "last_observed": stixTime(last), "number_observed": n,
			"object_refs": refs, "object_marking_refs": markings,
			"labels": append([]string{"fentanyl-class-listing"}, f.Substances...),
		})
		note := b.add(map[string]any{
			"type": "note", "spec_version": "2.1",
			"id":      "note--" + uuid5(fentinelNS, "note:"+f.Site+"\x00"+f.URL),
			"created": stixTime(first), "modified": stixTime(last), "created_by_ref": producer,
			"abstract": truncate("Listing: "+f.Title, 250), "content": noteContent(it),
			"authors": []string{opt.Producer}, "object_refs": append([]string{od}, refs...),
			"object_marking_refs": markings,
		})
		reportRefs = append(reportRefs, od, note)
	}
	if walletExt {
		b.add(map[string]any{
			"type": "identity", "spec_version": "2.1", "id": fentinelIdentityID,
			"created": extensionCreated, "modified": extensionCreated, "name": "Fentinel project", "identity_class": "organization",
		})
		b.add(map[string]any{
			"type": "extension-definition", "spec_version": "2.1", "id": WalletExtensionID,
			"created": extensionCreated, "modified": extensionCreated, "created_by_ref": fentinelIdentityID,
			"name": "cryptocurrency-wallet", "version": "1.0.0", "extension_types": []string{"new-sco"},
			"description": "A cryptocurrency wallet address seen on a monitored listing.",
			"schema": "New SCO type cryptocurrency-wallet. Properties: address (string, required, the wallet address as published; " +
				"the only ID-contributing property), currency (string: BTC, XMR or ETH). Compatible in shape with the community " +
				"cryptocurrency-wallet SCO, which also keys on address.",
		})
	}
	if len(reportRefs) > 0 {
		title := opt.Title
		if title == "" {
			title = fmt.Sprintf("Fentinel: %d fentanyl-class listings on monitored markets", len(items))
		}
		b.add(map[string]any{
			"type": "report", "spec_version": "2.1", "id": "report--" + uuid4(),
			"created": now, "modified": now, "created_by_ref": producer,
			"name": title, "report_types": []string{"observed-data"}, "published": now,
			"object_refs": reportRefs, "object_marking_refs": markings,
		})
	}
	return map[string]any{"type": "bundle", "id": "bundle--" + uuid4(), "objects": b.objects}, nil
}

// STIX writes a STIX 2.1 bundle (see STIXBundle) as indented JSON.
func STIX(w io.Writer, items []Item, opt Options) error {
	bundle, err := STIXBundle(items, opt)
	if err != nil {
		return err
	}
	return writeIndented(w, "stix", bundle)
}

// noteContent is the analyst-readable summary of a finding.
func noteContent(it Item) string {
	f := it.Finding
	var b strings.Builder
	fmt.Fprintf(&b, "Fentinel finding %d (%s, score %.2f, triage %s)\n", f.ID, f.Severity, f.Score, f.Status)
	fmt.Fprintf(&b, "Title: %s\nMarket: %s\nURL: %s\n", f.Title, f.Site, f.URL)
	fmt.Fprintf(&b, "Substances: %s\n", strings.Join(f.Substances, ", "))
	if f.Price > 0 {
		fmt.Fprintf(&b, "Price: %g %s\n", f.Price, f.Currency)
	}
	if f.Vendor != "" {
		fmt.Fprintf(&b, "Vendor: %s\n", f.Vendor)
	}
	if pgp := entitiesOf(it.Entities, fentinel.EntityPGP); len(pgp) > 0 {
		fmt.Fprintf(&b, "PGP fingerprints: %s\n", strings.Join(pgp, ", "))
	}
	fmt.Fprintf(&b, "First seen: %s\nLast seen: %s\n", rfc3339(f.FirstSeen), rfc3339(f.LastSeen))
	if f.Snippet != "" {
		fmt.Fprintf(&b, "Evidence: %s\n", f.Snippet)
	}
	return b.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
