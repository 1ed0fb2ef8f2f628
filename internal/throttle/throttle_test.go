package throttle_test

import (
	"strings"
	"testing"
	"time"

	"minhbach/internal/throttle"
)

type fakeNow struct{ t time.Time }

func (f *fakeNow) Now() time.Time { return f.t }

func TestThrottleGrowsAndForgets(t *testing.T) {
	clock := &fakeNow{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	p := throttle.Policy{Free: 3, Base: 2 * time.Second, Max: 30 * time.Second, Window: time.Hour}
	th := throttle.New(p, clock.Now)
	for i := range 3 {
		if d := th.Fail("k"); d != 0 {
			t.Fatalf("free failure %d locked for %v", i, d)
		}
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if d := th.Fail("k"); d != w {
			t.Fatalf("failure %d: lock %v, want %v", i+4, d, w)
		}
		if d := th.Check("k"); d != w {
			t.Fatalf("check after failure %d: %v", i+4, d)
		}
		clock.t = clock.t.Add(w)
		if d := th.Check("k"); d != 0 {
			t.Fatalf("still locked after the wait: %v", d)
		}
	}
	if th.Check("other") != 0 {
		t.Fatal("another key is locked")
	}
	th.Reset("k")
	if d := th.Fail("k"); d != 0 {
		t.Fatal("reset did not forget the failures")
	}
	clock.t = clock.t.Add(2 * time.Hour)
	for range 3 {
		th.Fail("k")
	}
	if d := th.Check("k"); d != 0 {
		t.Fatal("failures older than the window were counted")
	}
	a, b := th.ClientKey("203.0.113.5"), th.ClientKey("203.0.113.6")
	if a == b || strings.Contains(a, "203.0.113") || th.ClientKey("203.0.113.5") != a {
		t.Fatalf("client keys: %q %q", a, b)
	}
	// Another process (another Throttle) derives other keys: they mean
	// nothing outside the process.
	if throttle.New(p, clock.Now).ClientKey("203.0.113.5") == a {
		t.Fatal("two throttles derive the same client key")
	}
}

func TestLimiterRefillsAndSeparatesKeys(t *testing.T) {
	now := time.Unix(0, 0)
	l := throttle.NewLimiter(6, 3, func() time.Time { return now }) // one token every 10 s
	a, b := l.ClientKey("198.51.100.1"), l.ClientKey("198.51.100.2")
	for i := range 3 {
		if ok, _ := l.Allow(a); !ok {
			t.Fatalf("burst %d refused", i)
		}
	}
	ok, wait := l.Allow(a)
	if ok || wait <= 0 || wait > 10*time.Second {
		t.Fatalf("past the burst: %v %v", ok, wait)
	}
	if ok, _ := l.Allow(b); !ok {
		t.Fatal("another client refused")
	}
	now = now.Add(10 * time.Second)
	if ok, _ := l.Allow(a); !ok {
		t.Fatal("refilled token refused")
	}
	if ok, _ := l.Allow(a); ok {
		t.Fatal("a second token after one refill")
	}
	if ok, _ := throttle.NewLimiter(0, 1, nil).Allow(a); !ok {
		t.Fatal("a disabled limiter refused")
	}
}
