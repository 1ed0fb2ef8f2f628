package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minhbach/handlers"
	"minhbach/internal/passhash"
	"minhbach/internal/pow"
	"minhbach/services"
)

// BenchmarkStaffSignInDuringFilingFlood measures staff sign-in latency
// (p50, p95) over the loopback network, alone and while 16 anonymous
// clients file reports as fast as they can, with the portal wired as it was
// before admission control ("shared": one argon2id pool, no proof of work,
// no per-client rate), with admission control and anonymous requests and
// staff sign-in each given half the hash slots ("separate":
// passhash.SplitSlots, as cmd/portal wired them before), and as it is now
// ("priority": one pool of slots shared by both, staff first
// (passhash.Shared, as cmd/portal wires it); in both, anonymous hashes
// queue only so far, at most 4 × the hash concurrency anonymous writes in
// flight, the default per-client rate, and a proof of work of 1 bit, since
// here the attacker's CPU is the server's). The flood
// comes from 16 distinct client addresses (X-Forwarded-For through a
// trusted loopback proxy), so the per-client rate does not stop it and the
// figures show what the separate hash slots and the bounded queue do. Every
// loop is bounded: 20 sign-ins per run, the flood stops with them.
func BenchmarkStaffSignInDuringFilingFlood(b *testing.B) {
	const cpus = 2 // the portal's PORTAL_HASH_CONCURRENCY default on this machine
	// "separate" and "priority" use the default PORTAL_ANON_IN_FLIGHT (4 ×
	// the hash concurrency); "tight" is "priority" with it bounded to the
	// hash concurrency.
	for _, wiring := range []string{"shared", "separate", "priority", "tight"} {
		for _, flood := range []bool{false, true} {
			name := wiring + "/alone"
			if flood {
				name = wiring + "/flood"
			}
			b.Run(name, func(b *testing.B) {
				opts := func(o *fixtureOptions) {
					o.argon, o.cacheTTL, o.trustedProxies = passhash.Default, 30*time.Second, []string{"127.0.0.1"}
					if wiring == "shared" {
						o.hasher = passhash.New(passhash.Default, cpus)
						return
					}
					if wiring == "separate" {
						anon, staff := passhash.SplitSlots(cpus)
						o.hasher = passhash.NewQueued(passhash.Default, anon, 8*anon)
						o.staffHasher = passhash.New(passhash.Default, staff)
					} else {
						o.hasher, o.staffHasher = passhash.Shared(passhash.Default, cpus, 8*cpus) // as cmd/portal wires it
					}
					// The flood's clients run on the server's own two cores here, so
					// the proof of work is kept trivial (1 bit): its cost is the
					// attacker's, on another machine, in a real flood.
					o.admission = handlers.Admission{PoWBits: 1, WritesPerMinute: 10, WritesBurst: 10, MaxInFlight: 4 * cpus}
					if wiring == "tight" {
						o.admission.MaxInFlight = cpus
					}
				}
				f := newFixture(b, opts)
				if _, err := f.Staff.CreateUser(context.Background(), nil, services.CreateUserInput{Email: "admin@bench.test", Name: "Admin",
					Role: services.RoleAdmin, Password: staffPassword}); err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(f.srv) // 127.0.0.1
				defer srv.Close()
				client := srv.Client()
				var lat []time.Duration
				var filed, refused, other atomic.Int64
				for b.Loop() {
					stop := make(chan struct{})
					var wg sync.WaitGroup
					if flood {
						for c := range 16 {
							wg.Go(func() {
								for n := 0; ; n++ {
									select {
									case <-stop:
										return
									default:
									}
									switch code := fileOnce(b, client, srv.URL, fmt.Sprintf("198.51.100.%d", c+1)); code {
									case http.StatusCreated:
										filed.Add(1)
									case http.StatusTooManyRequests, http.StatusServiceUnavailable:
										refused.Add(1)
										time.Sleep(200 * time.Millisecond) // a client that honours Retry-After a little
									default:
										other.Add(1)
									}
								}
							})
						}
						time.Sleep(500 * time.Millisecond) // let the flood build up
					}
					for range 20 {
						start := time.Now()
						body := strings.NewReader(`{"email":"admin@bench.test","password":"` + staffPassword + `"}`)
						req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/auth/login", body)
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("X-Forwarded-For", "203.0.113.50")
						res, err := client.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						res.Body.Close()
						if res.StatusCode != http.StatusOK {
							b.Fatalf("sign-in: %d", res.StatusCode)
						}
						lat = append(lat, time.Since(start))
					}
					close(stop)
					wg.Wait()
				}
				slices.Sort(lat)
				b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
				b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
				if flood {
					b.ReportMetric(float64(filed.Load()), "filed")
					b.ReportMetric(float64(refused.Load()), "refused")
					if other.Load() > 0 {
						b.Errorf("%d filings answered neither 201, 429 nor 503", other.Load())
					}
				}
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fileOnce files validFeedback as client addr, solving a challenge when the
// portal asks for one, and returns the status.
func fileOnce(b *testing.B, client *http.Client, base, addr string) int {
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Forwarded-For": {addr}}
	res, err := client.Post(base+"/api/v1/challenges", "", nil)
	if err != nil {
		b.Error(err)
		return 0
	}
	var ch struct {
		Challenge string
		Bits      int
	}
	_ = json.NewDecoder(res.Body).Decode(&ch)
	res.Body.Close()
	if ch.Challenge != "" {
		hdr.Set("X-Portal-PoW", ch.Challenge+":"+pow.Solve(ch.Challenge, ch.Bits))
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/complaints", bytes.NewReader([]byte(validFeedback)))
	req.Header = hdr
	res, err = client.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
