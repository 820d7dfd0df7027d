package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"github.com/fentinel/fentinel"
	"go.yaml.in/yaml/v3"
)

//go:embed default/*.yaml
var defaultFS embed.FS

// Problem is one rule-file error, located by file and line.
type Problem struct {
	Pos Pos
	Msg string
}

// String formats the problem as "file:line: message".
func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// LintError carries every problem found in a rule set. Load returns it
// (wrapped) when a set does not validate; use errors.As to list them.
type LintError struct {
	Problems []Problem
}

// Error lists the problems one per line.
func (e *LintError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// File is one rule file's name and content, for LoadFiles.
type File struct {
	Name string
	Data []byte
}

// Default returns the embedded default rule set (rules/default/*.yaml).
func Default() (*Set, error) {
	files, err := readFS(defaultFS, "default")
	if err != nil {
		return nil, fmt.Errorf("rules: read embedded set: %w", err)
	}
	return LoadFiles("default", files)
}

// DefaultFiles returns the embedded default rule files (for "rules lint" and docs).
func DefaultFiles() ([]File, error) { return readFS(defaultFS, "default") }

// Load reads a rule file or a directory of *.yaml / *.yml files. Errors
// name the file and line of each problem.
func Load(p string) (*Set, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("rules: load %s: %w", p, err)
	}
	var files []File
	if st.IsDir() {
		files, err = readFS(os.DirFS(p), ".")
		if err != nil {
			return nil, fmt.Errorf("rules: load %s: %w", p, err)
		}
		for i := range files {
			files[i].Name = filepath.Join(p, files[i].Name)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("rules: load %s: no *.yaml files in directory", p)
		}
	} else {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("rules: load %s: %w", p, err)
		}
		files = []File{{Name: p, Data: data}}
	}
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(filepath.Clean(p)), ".yaml"), ".yml")
	return LoadFiles(name, files)
}

func readFS(fsys fs.FS, dir string) ([]File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		full := path.Join(dir, n)
		data, err := fs.ReadFile(fsys, full)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: full, Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// LoadFiles parses and validates a rule set made of the given files. name
// prefixes the version ("name@hash").
func LoadFiles(name string, files []File) (*Set, error) {
	l := &loader{set: &Set{Name: name}}
	l.set.Scoring = DefaultScoring()
	h := sha256.New()
	for _, f := range files {
		l.set.Files = append(l.set.Files, f.Name)
		l.parseFile(f)
		h.Write([]byte(path.Base(filepath.ToSlash(f.Name))))
		h.Write([]byte{0})
		h.Write(f.Data)
		h.Write([]byte{0})
	}
	if len(files) == 0 {
		l.add(Pos{File: name}, "no rule files")
	}
	l.validate()
	if len(l.problems) > 0 {
		sort.SliceStable(l.problems, func(i, j int) bool {
			a, b := l.problems[i].Pos, l.problems[j].Pos
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line
		})
		return nil, fmt.Errorf("rules: invalid rule set %s: %w", name, &LintError{Problems: l.problems})
	}
	l.set.version = name + "@" + hex.EncodeToString(h.Sum(nil))[:8]
	return l.set, nil
}

type loader struct {
	set      *Set
	problems []Problem
	scoring  bool
	// subNodes keeps each substance's YAML node (same index as
	// set.Substances) so validation can point at the offending term's line.
	subNodes []*yaml.Node
	// nodes maps every list item's position to its node, for field lines.
	nodes map[Pos]*yaml.Node
}

// at returns the position of key inside the item defined at p (or p).
func (l *loader) at(p Pos, key string) Pos {
	return Pos{p.File, lineOf(l.nodes[p], key, p.Line)}
}

// atTerm returns the position of a scalar value under key in the item at p.
func (l *loader) atTerm(p Pos, key, value string) Pos {
	return Pos{p.File, termLine(mapKey(l.nodes[p], key), value, lineOf(l.nodes[p], key, p.Line))}
}

func (l *loader) add(p Pos, format string, args ...any) {
	l.problems = append(l.problems, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

var (
	yamlLine       = regexp.MustCompile(`line (\d+)`)
	yamlLinePrefix = regexp.MustCompile(`^line \d+: `)
)

func (l *loader) parseFile(f File) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return // empty file
		}
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = yamlLinePrefix.ReplaceAllString(msg, "")
		l.add(Pos{f.Name, line}, "%s", msg)
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.add(Pos{f.Name, root.Line}, "top level must be a mapping with keys substances, sale, decoys, contexts, scoring, profiles, tests")
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		pos := Pos{f.Name, k.Line}
		switch k.Value {
		case "substances":
			forItems(l, f.Name, v, substanceKeys, func(n *yaml.Node, p Pos) {
				var s Substance
				if l.decode(n, p, &s) {
					s.Pos = p
					l.subNodes = append(l.subNodes, n)
					l.set.Substances = append(l.set.Substances, s)
				}
			})
		case "sale", "decoys", "contexts":
			keys := contextKeys
			switch k.Value {
			case "sale":
				keys = saleKeys
			case "decoys":
				keys = decoyKeys
			}
			forItems(l, f.Name, v, keys, func(n *yaml.Node, p Pos) {
				var fr Frame
				if l.decode(n, p, &fr) {
					fr.Pos = p
					switch k.Value {
					case "sale":
						l.set.Sale = append(l.set.Sale, fr)
					case "decoys":
						l.set.Decoys = append(l.set.Decoys, fr)
					default:
						l.set.Contexts = append(l.set.Contexts, fr)
					}
				}
			})
		case "scoring":
			if l.scoring {
				l.add(pos, "scoring defined more than once in the set")
				continue
			}
			l.scoring = true
			if v.Kind != yaml.MappingNode {
				l.add(pos, "scoring must be a mapping")
				continue
			}
			l.checkKeys(f.Name, v, scoringKeys)
			var sc Scoring
			if l.decode(v, pos, &sc) {
				l.mergeScoring(sc, v)
				l.set.Scoring.Pos = pos
			}
		case "profiles":
			forItems(l, f.Name, v, profileKeys, func(n *yaml.Node, p Pos) {
				var pr Profile
				if l.decode(n, p, &pr) {
					pr.Pos = p
					l.set.Profiles = append(l.set.Profiles, pr)
				}
			})
		case "tests":
			forItems(l, f.Name, v, testKeys, func(n *yaml.Node, p Pos) {
				var tc TestCase
				if l.decode(n, p, &tc) {
					tc.Pos = p
					l.set.Tests = append(l.set.Tests, tc)
				}
			})
		default:
			l.add(pos, "unknown top-level key %q (want substances, sale, decoys, contexts, scoring, profiles or tests)", k.Value)
		}
	}
}

var (
	substanceKeys = []string{"name", "class", "severity", "weight", "fuzzy", "aliases", "brands", "abbreviations", "cas", "ambiguous", "context"}
	saleKeys      = []string{"id", "weight", "builtin", "terms"}
	decoyKeys     = []string{"id", "weight", "terms", "before", "after", "damp", "product", "classes", "page", "title"}
	contextKeys   = []string{"id", "terms"}
	scoringKeys   = []string{"threshold", "zones", "class_severity", "secondary", "evasion_weight", "fuzzy_weight", "abbrev_weight", "ambiguous_weight", "damp", "sale_floor", "suffixes"}
	profileKeys   = []string{"id", "hosts", "title", "price", "vendor", "ships_from", "ships_to", "main"}
	testKeys      = []string{"name", "text", "url", "flag", "substances", "severity"}
)

func forItems(l *loader, file string, v *yaml.Node, keys []string, fn func(*yaml.Node, Pos)) {
	if v.Kind != yaml.SequenceNode {
		l.add(Pos{file, v.Line}, "expected a list")
		return
	}
	for _, n := range v.Content {
		p := Pos{file, n.Line}
		if n.Kind != yaml.MappingNode {
			l.add(p, "list item must be a mapping")
			continue
		}
		if !l.checkKeys(file, n, keys) {
			continue
		}
		if l.nodes == nil {
			l.nodes = map[Pos]*yaml.Node{}
		}
		l.nodes[p] = n
		fn(n, p)
	}
}

func (l *loader) checkKeys(file string, n *yaml.Node, keys []string) bool {
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		found := false
		for _, want := range keys {
			if k.Value == want {
				found = true
				break
			}
		}
		if !found {
			l.add(Pos{file, k.Line}, "unknown field %q (allowed: %s)", k.Value, strings.Join(keys, ", "))
			ok = false
		}
	}
	return ok
}

func (l *loader) decode(n *yaml.Node, p Pos, v any) bool {
	if err := n.Decode(v); err != nil {
		line := p.Line
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
		msg = yamlLinePrefix.ReplaceAllString(strings.TrimSpace(msg), "")
		l.add(Pos{p.File, line}, "%s", msg)
		return false
	}
	return true
}

func (l *loader) mergeScoring(sc Scoring, n *yaml.Node) {
	d := &l.set.Scoring
	set := func(key string) bool { return mapKey(n, key) != nil }
	if set("threshold") {
		d.Threshold = sc.Threshold
	}
	for k, v := range sc.Zones {
		d.Zones[k] = v
	}
	for k, v := range sc.ClassSeverity {
		d.ClassSeverity[k] = v
	}
	if set("secondary") {
		d.Secondary = sc.Secondary
	}
	if set("evasion_weight") {
		d.EvasionWeight = sc.EvasionWeight
	}
	if set("fuzzy_weight") {
		d.FuzzyWeight = sc.FuzzyWeight
	}
	if set("abbrev_weight") {
		d.AbbrevWeight = sc.AbbrevWeight
	}
	if set("ambiguous_weight") {
		d.AmbiguousWeight = sc.AmbiguousWeight
	}
	if set("damp") {
		d.Damp = sc.Damp
	}
	if set("sale_floor") {
		d.SaleFloor = sc.SaleFloor
	}
	if set("suffixes") {
		d.Suffixes = sc.Suffixes
	}
}

func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// termLine finds the line of a scalar with the given value under n.
func termLine(n *yaml.Node, value string, def int) int {
	if n == nil {
		return def
	}
	if n.Kind == yaml.ScalarNode && n.Value == value {
		return n.Line
	}
	for _, c := range n.Content {
		if ln := termLine(c, value, 0); ln != 0 {
			return ln
		}
	}
	return def
}

var casRe = regexp.MustCompile(`^(\d{2,7})-(\d{2})-(\d)$`)

// ValidCAS reports whether s is a CAS registry number with a correct check digit.
func ValidCAS(s string) bool {
	m := casRe.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	digits := m[1] + m[2]
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * (len(digits) - i)
	}
	return sum%10 == int(m[3][0]-'0')
}

func validLang(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

func validClass(c string) bool {
	for _, v := range Classes {
		if v == c {
			return true
		}
	}
	return false
}

func (l *loader) checkTerms(t Terms, n *yaml.Node, key string, p Pos, what string) int {
	count := 0
	langs := make([]string, 0, len(t))
	for lang := range t {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	sub := mapKey(n, key)
	for _, lang := range langs {
		if !validLang(lang) {
			l.add(Pos{p.File, termLine(sub, lang, p.Line)}, "%s: unknown language %q (want one of %s)", what, lang, strings.Join(Languages, ", "))
		}
		count += l.checkList(t[lang], sub, p, what)
	}
	return count
}

func (l *loader) checkList(list []string, n *yaml.Node, p Pos, what string) int {
	count := 0
	seen := map[string]bool{}
	for _, term := range list {
		t := strings.TrimSpace(term)
		if t == "" {
			l.add(Pos{p.File, p.Line}, "%s: empty term", what)
			continue
		}
		if r, _ := utf8.DecodeRuneInString(t); utf8.RuneCountInString(t) < 2 && r < 0x2E80 {
			l.add(Pos{p.File, termLine(n, term, p.Line)}, "%s: term %q is too short (a flow list splits at commas: quote terms that contain one)", what, term)
		}
		key := strings.ToLower(t)
		if seen[key] {
			l.add(Pos{p.File, termLine(n, term, p.Line)}, "%s: duplicate term %q", what, term)
		}
		seen[key] = true
		count++
	}
	return count
}

func (l *loader) validate() {
	s := l.set
	sc := &s.Scoring
	scPos := sc.Pos
	if scPos.File == "" && len(s.Files) > 0 {
		scPos = Pos{File: s.Files[0]}
	}
	if sc.Threshold <= 0 || sc.Threshold > 1 {
		l.add(scPos, "scoring.threshold %.3g out of range (0,1]", sc.Threshold)
	}
	for z, w := range sc.Zones {
		if !contains(Zones, z) {
			l.add(scPos, "scoring.zones: unknown zone %q (want one of %s)", z, strings.Join(Zones, ", "))
		}
		if w < 0 || w > 1 {
			l.add(scPos, "scoring.zones.%s: weight %.3g out of range [0,1]", z, w)
		}
	}
	for c, sev := range sc.ClassSeverity {
		if !validClass(c) {
			l.add(scPos, "scoring.class_severity: unknown class %q", c)
		}
		if _, err := fentinel.ParseSeverity(sev); err != nil {
			l.add(scPos, "scoring.class_severity.%s: %v", c, err)
		}
	}
	for _, c := range sc.Secondary {
		if !validClass(c) {
			l.add(scPos, "scoring.secondary: unknown class %q", c)
		}
	}
	for name, w := range map[string]float64{
		"evasion_weight": sc.EvasionWeight, "fuzzy_weight": sc.FuzzyWeight, "abbrev_weight": sc.AbbrevWeight,
		"ambiguous_weight": sc.AmbiguousWeight, "damp": sc.Damp, "sale_floor": sc.SaleFloor,
	} {
		if w < 0 || w > 1 {
			l.add(scPos, "scoring.%s: %.3g out of range [0,1]", name, w)
		}
	}

	ctxIDs := map[string]bool{}
	frameIDs := map[string]Pos{}
	checkFrame := func(fr *Frame, kind string) {
		if fr.ID == "" {
			l.add(fr.Pos, "%s frame without id", kind)
		} else if prev, dup := frameIDs[fr.ID]; dup {
			l.add(fr.Pos, "duplicate frame id %q (first defined at %s)", fr.ID, prev)
		} else {
			frameIDs[fr.ID] = fr.Pos
		}
		if fr.Weight < 0 || fr.Weight > 1 {
			l.add(l.at(fr.Pos, "weight"), "%s %s: weight %.3g out of range [0,1]", kind, fr.ID, fr.Weight)
		}
		n := 0
		for lang, terms := range fr.Terms {
			if !validLang(lang) {
				l.add(l.atTerm(fr.Pos, "terms", lang), "%s %s: unknown language %q (want one of %s)", kind, fr.ID, lang, strings.Join(Languages, ", "))
			}
			n += l.checkList(terms, mapKey(l.nodes[fr.Pos], "terms"), fr.Pos, kind+" "+fr.ID)
		}
		if n == 0 && fr.Builtin == "" {
			l.add(fr.Pos, "%s %s: no terms", kind, fr.ID)
		}
	}
	for i := range s.Contexts {
		checkFrame(&s.Contexts[i], "context")
		ctxIDs[s.Contexts[i].ID] = true
	}
	for i := range s.Sale {
		fr := &s.Sale[i]
		checkFrame(fr, "sale")
		switch fr.Builtin {
		case "", "price", "crypto-price", "quantity", "vendor":
		default:
			l.add(l.at(fr.Pos, "builtin"), "sale %s: unknown builtin %q (want price, crypto-price, quantity or vendor)", fr.ID, fr.Builtin)
		}
		if fr.Weight == 0 {
			l.add(l.at(fr.Pos, "weight"), "sale %s: weight must be > 0", fr.ID)
		}
	}
	for i := range s.Decoys {
		fr := &s.Decoys[i]
		checkFrame(fr, "decoy")
		if fr.Builtin != "" {
			l.add(fr.Pos, "decoy %s: builtin is for sale frames only", fr.ID)
		}
		if fr.Before < 0 || fr.Before > 30 || fr.After < 0 || fr.After > 30 {
			l.add(l.at(fr.Pos, "before"), "decoy %s: before/after must be in [0,30] words", fr.ID)
		}
		if fr.Damp < 0 || fr.Damp > 1 {
			l.add(l.at(fr.Pos, "damp"), "decoy %s: damp %.3g out of range [0,1]", fr.ID, fr.Damp)
		}
		for _, c := range fr.Classes {
			if !validClass(c) {
				l.add(l.atTerm(fr.Pos, "classes", c), "decoy %s: unknown class %q", fr.ID, c)
			}
		}
		if fr.Page && len(fr.Classes) == 0 {
			l.add(fr.Pos, "decoy %s: page: true needs classes", fr.ID)
		}
	}

	names := map[string]Pos{}
	termOwner := map[string]string{}
	for i := range s.Substances {
		sub := &s.Substances[i]
		n := l.subNodes[i]
		p := sub.Pos
		what := "substance " + sub.Name
		switch {
		case sub.Name == "":
			l.add(p, "substance without name")
		case sub.Name != strings.ToLower(strings.TrimSpace(sub.Name)):
			l.add(p, "substance name %q must be lower case and trimmed", sub.Name)
		}
		if prev, dup := names[sub.Name]; dup && sub.Name != "" {
			l.add(p, "duplicate substance %q (first defined at %s)", sub.Name, prev)
		} else {
			names[sub.Name] = p
		}
		if !validClass(sub.Class) {
			l.add(Pos{p.File, lineOf(n, "class", p.Line)}, "%s: unknown class %q (want one of %s)", what, sub.Class, strings.Join(Classes, ", "))
		}
		sevName := sub.Severity
		if sevName == "" {
			sevName = sc.ClassSeverity[sub.Class]
		}
		if sevName == "" {
			sevName = "high"
		}
		sev, err := fentinel.ParseSeverity(sevName)
		if err != nil {
			l.add(Pos{p.File, lineOf(n, "severity", p.Line)}, "%s: %v", what, err)
		}
		sub.Sev = sev
		if sub.Weight == 0 {
			sub.Weight = 1
		}
		if sub.Weight < 0 || sub.Weight > 1 {
			l.add(Pos{p.File, lineOf(n, "weight", p.Line)}, "%s: weight %.3g out of range (0,1]", what, sub.Weight)
		}
		count := l.checkTerms(sub.Aliases, n, "aliases", p, what)
		count += l.checkTerms(sub.Ambiguous, n, "ambiguous", p, what)
		count += l.checkList(sub.Brands, mapKey(n, "brands"), p, what)
		count += l.checkList(sub.Abbreviations, mapKey(n, "abbreviations"), p, what)
		for _, c := range sub.CAS {
			if !ValidCAS(c) {
				l.add(Pos{p.File, termLine(mapKey(n, "cas"), c, p.Line)}, "%s: CAS number %q is malformed or fails its check digit", what, c)
			}
			count++
		}
		if count == 0 {
			l.add(p, "%s: no aliases, brands, abbreviations, CAS numbers or ambiguous terms", what)
		}
		for _, c := range sub.Context {
			if !ctxIDs[c] {
				l.add(Pos{p.File, termLine(mapKey(n, "context"), c, p.Line)}, "%s: unknown context %q", what, c)
			}
		}
		// A term may belong to one substance only.
		all := append(append(append([]string{}, sub.Brands...), sub.Abbreviations...), sub.CAS...)
		for _, ts := range sub.Aliases {
			all = append(all, ts...)
		}
		for _, ts := range sub.Ambiguous {
			all = append(all, ts...)
		}
		for _, t := range all {
			key := strings.ToLower(strings.TrimSpace(t))
			if key == "" {
				continue
			}
			if owner, ok := termOwner[key]; ok && owner != sub.Name {
				l.add(Pos{p.File, termLine(n, t, p.Line)}, "%s: term %q already belongs to substance %s", what, t, owner)
				continue
			}
			termOwner[key] = sub.Name
		}
	}
	if len(s.Substances) == 0 && len(l.problems) == 0 {
		l.add(Pos{File: firstFile(s.Files)}, "rule set defines no substances")
	}

	profIDs := map[string]bool{}
	for _, pr := range s.Profiles {
		if pr.ID == "" {
			l.add(pr.Pos, "profile without id")
		} else if profIDs[pr.ID] {
			l.add(pr.Pos, "duplicate profile id %q", pr.ID)
		}
		profIDs[pr.ID] = true
		if len(pr.Hosts) == 0 {
			l.add(pr.Pos, "profile %s: no hosts", pr.ID)
		}
		for _, h := range pr.Hosts {
			if _, err := path.Match(h, ""); err != nil {
				l.add(l.atTerm(pr.Pos, "hosts", h), "profile %s: bad host pattern %q: %v", pr.ID, h, err)
			}
		}
		for field, sel := range map[string]string{"title": pr.Title, "price": pr.Price, "vendor": pr.Vendor,
			"ships_from": pr.ShipsFrom, "ships_to": pr.ShipsTo, "main": pr.Main} {
			if sel == "" {
				continue
			}
			if _, err := cascadia.Compile(sel); err != nil {
				l.add(l.at(pr.Pos, field), "profile %s: %s selector %q: %v", pr.ID, field, sel, err)
			}
		}
	}

	for _, tc := range s.Tests {
		if tc.Name == "" {
			l.add(tc.Pos, "test case without name")
		}
		if strings.TrimSpace(tc.Text) == "" {
			l.add(l.at(tc.Pos, "text"), "test %q: empty text", tc.Name)
		}
		for _, n := range tc.Substances {
			if _, ok := names[n]; !ok {
				l.add(l.atTerm(tc.Pos, "substances", n), "test %q: unknown substance %q", tc.Name, n)
			}
		}
		if tc.Severity != "" {
			if _, err := fentinel.ParseSeverity(tc.Severity); err != nil {
				l.add(l.at(tc.Pos, "severity"), "test %q: %v", tc.Name, err)
			}
		}
	}
}

func lineOf(n *yaml.Node, key string, def int) int {
	if n == nil {
		return def
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return def
}

func firstFile(files []string) string {
	if len(files) == 0 {
		return ""
	}
	return files[0]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
