// Package marketsim serves synthetic onion markets behind an in-process
// SOCKS5 server, for fentinel's demo, tests and benchmarks.
//
// Everything listens on 127.0.0.1. The SOCKS server (RFC 1928 with RFC 1929
// username/password or no-auth) routes v3 .onion names that belong to a
// market to that market's HTTP server and refuses every other destination
// with the reply a Tor SocksPort with OnionTrafficOnly and ExtendedErrors
// would send:
//
//	known v3 onion, port 80      0x00 succeeded
//	known v3 onion, other port   0x05 connection refused
//	unknown, well-formed v3      0xF0 onion service descriptor can not be found
//	".onion" that is not v3      0xF6 bad address (length, alphabet, version, checksum)
//	any other name               0x02 not allowed by ruleset
//	IPv4 / IPv6 address          0x02 not allowed by ruleset
//	command other than CONNECT   0x07 command not supported
//
// Every CONNECT is recorded (Sim.ProxyLog). Onion names derive from fixed
// seeds (OnionFromSeed), so they are the same on every run.
//
// # Markets
//
// Layouts alternate: market 0 is "SynthBazaar" (LayoutClassic: tables, USD
// prices like "$120.00"), market 1 "MockMercado" (LayoutModern: cards,
// prices like "0.0023 BTC" or "2.5 XMR"); more markets repeat them.
//
//	classic                       modern
//	/                             /                         home: categories, featured, posts, vendors
//	/category/{cat}?page=N        /browse/{cat}?page=N      Options.PageSize listings per page
//	/listing/{id}                 /item/{id}/{slug}         listing (some with <img> product images)
//	/vendor/{name}                /v/{name}                 PGP key block, BTC and XMR addresses
//	/rules                        /terms                    rules banning fentanyl (decoy)
//	/news/{slug}                  /forum/{slug}             news, harm reduction, pharmacology (decoys)
//	/img/{id}-{k}.png             /static/p/{id}-{k}.png    tiny PNGs, counted by Sim.ImageRequests
//
// Listings beyond the built-in catalogue (Options.ListingsPerMarket) are
// generated on demand as labelled variants of catalogue entries, so a
// benchmark can serve 100,000 pages without holding them. Sim.Truth labels
// every content page: positive or not, the kind (positive, ordinary,
// decoy-test-strips, decoy-naloxone, decoy-news, decoy-rules, ...), the
// canonical substances offered, language, vendor and price.
//
// # Hostile lab
//
// With Options.Hostile a third market, "HostileLab", links from its home
// page to the Lab* paths (slow, flaky, big, gzip bomb, calendar, session and
// repeating-path traps, login wall, EndGame-style queue, captcha, charsets,
// malformed HTML, image gallery) and to off-site links the proxy refuses;
// the first market gets a mirror onion listed on its home page.
//
// # Webhooks
//
// Receiver verifies Standard Webhooks signatures, records every delivery
// and can be told to fail (FailFirst, Respond429, FailRandom).
//
// All names, vendors, keys and addresses are synthetic.
package marketsim
