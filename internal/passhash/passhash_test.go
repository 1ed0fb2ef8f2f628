package passhash_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minhbach/internal/passhash"
)

// testParams keeps argon2id cheap so the suite stays fast under -race.
var testParams = passhash.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

// TestVerifyRefusesLooseEncodings checks that only the exact form Hash
// writes is accepted: no leading junk, no trailing text after parameters.
func TestVerifyRefusesLooseEncodings(t *testing.T) {
	h := passhash.New(testParams, 1)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "1234-5678-9012-3456")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(ctx, "1234-5678-9012-3456", enc); !ok || err != nil {
		t.Fatalf("the exact encoding must verify: %v", err)
	}
	parts := strings.Split(enc, "$")
	loose := []string{
		"junk" + enc,
		strings.Replace(enc, "$v=19$", "$v=19junk$", 1),
		strings.Replace(enc, ",p=1$", ",p=1junk$", 1),
		strings.Replace(enc, "$m=1024,", "$m= 1024,", 1),
		strings.Join(append([]string{}, parts[0], parts[1], parts[2], parts[3]+" ", parts[4], parts[5]), "$"),
	}
	for _, l := range loose {
		if ok, err := h.Verify(ctx, "1234-5678-9012-3456", l); ok || err == nil {
			t.Errorf("Verify accepted the loose encoding %q", l)
		}
	}
}

func TestHasherRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := passhash.New(testParams, 2)
	const secret = "1234-5678-9012-3456"
	enc, err := h.Hash(ctx, secret)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("encoded = %q, want a PHC argon2id string with the hasher's params", enc)
	}
	if strings.Contains(enc, secret) || strings.Contains(enc, strings.ReplaceAll(secret, "-", "")) {
		t.Errorf("encoded hash %q contains the secret", enc)
	}
	ok, err := h.Verify(ctx, secret, enc)
	if err != nil || !ok {
		t.Fatalf("Verify(right secret) = %v, %v; want true, nil", ok, err)
	}
	for _, wrong := range []string{"1234-5678-9012-3457", "1234567890123456", "", secret + " "} {
		ok, err := h.Verify(ctx, wrong, enc)
		if err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

func TestHasherSaltsDiffer(t *testing.T) {
	ctx := context.Background()
	h := passhash.New(testParams, 1)
	a, err := h.Hash(ctx, "same secret")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "same secret")
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := strings.Split(a, "$"), strings.Split(b, "$")
	if len(pa) != 6 || len(pb) != 6 {
		t.Fatalf("unexpected encodings %q, %q", a, b)
	}
	if pa[4] == pb[4] {
		t.Errorf("two hashes of the same secret share the salt %q", pa[4])
	}
	if pa[5] == pb[5] {
		t.Errorf("two hashes of the same secret share the key %q", pa[5])
	}
	for _, enc := range []string{a, b} {
		if ok, err := h.Verify(ctx, "same secret", enc); !ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v", enc, ok, err)
		}
	}
}

func TestHasherVerifyUsesEncodedParams(t *testing.T) {
	ctx := context.Background()
	old := passhash.New(testParams, 1)
	current := passhash.New(passhash.Params{MemoryKiB: 2048, Iterations: 2, Parallelism: 2}, 1)
	enc, err := old.Hash(ctx, "mật khẩu cũ")
	if err != nil {
		t.Fatal(err)
	}
	// A hash made under older settings still verifies after they change.
	if ok, err := current.Verify(ctx, "mật khẩu cũ", enc); !ok || err != nil {
		t.Fatalf("Verify with other params = %v, %v; want true, nil", ok, err)
	}
	newEnc, err := current.Hash(ctx, "mật khẩu cũ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(newEnc, "$m=2048,t=2,p=2$") {
		t.Errorf("encoded = %q, want the current params", newEnc)
	}
	if ok, err := old.Verify(ctx, "mật khẩu cũ", newEnc); !ok || err != nil {
		t.Fatalf("Verify of new hash by old hasher = %v, %v; want true, nil", ok, err)
	}
	// The params are part of what is verified: changing them changes the key.
	tampered := strings.Replace(enc, "$m=1024,t=1,p=1$", "$m=1024,t=2,p=1$", 1)
	if ok, err := old.Verify(ctx, "mật khẩu cũ", tampered); ok || err != nil {
		t.Fatalf("Verify with tampered params = %v, %v; want false, nil", ok, err)
	}
}

func TestHasherVerifyMalformed(t *testing.T) {
	ctx := context.Background()
	h := passhash.New(testParams, 1)
	good, err := h.Hash(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	salt, key := p[4], p[5]
	short := "AAAAAAAAAAAAAAAAAAAA" // 15 bytes
	long := strings.Repeat("A", 88) // 66 bytes
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	tests := map[string]string{
		"empty":             "",
		"dollars only":      "$$$$$",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           join("", "argon2i", "v=19", "m=1024,t=1,p=1", salt, key),
		"too few parts":     join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt),
		"too many parts":    good + "$extra",
		"version 16":        join("", "argon2id", "v=16", "m=1024,t=1,p=1", salt, key),
		"no version":        join("", "argon2id", "", "m=1024,t=1,p=1", salt, key),
		"params missing":    join("", "argon2id", "v=19", "", salt, key),
		"params reordered":  join("", "argon2id", "v=19", "t=1,m=1024,p=1", salt, key),
		"m=0":               join("", "argon2id", "v=19", "m=0,t=1,p=1", salt, key),
		"m above 4 GiB":     join("", "argon2id", "v=19", "m=4194305,t=1,p=1", salt, key),
		"m overflows":       join("", "argon2id", "v=19", "m=99999999999,t=1,p=1", salt, key),
		"m negative":        join("", "argon2id", "v=19", "m=-1,t=1,p=1", salt, key),
		"t=0":               join("", "argon2id", "v=19", "m=1024,t=0,p=1", salt, key),
		"t=65":              join("", "argon2id", "v=19", "m=1024,t=65,p=1", salt, key),
		"p=0":               join("", "argon2id", "v=19", "m=1024,t=1,p=0", salt, key),
		"p=256":             join("", "argon2id", "v=19", "m=1024,t=1,p=256", salt, key),
		"salt not base64":   join("", "argon2id", "v=19", "m=1024,t=1,p=1", "!!!!", key),
		"salt padded":       join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt+"==", key),
		"key not base64":    join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, "***"),
		"key empty":         join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, ""),
		"key under 16":      join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, short),
		"key over 64":       join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, long),
		"plain receipt":     "1234-5678-9012-3456",
		"non-UTF-8 garbage": "$argon2id$v=19$m=\xff\xfe,t=1,p=1$" + salt + "$" + key,
	}
	for name, enc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := h.Verify(ctx, "s", enc)
			if ok || !errors.Is(err, passhash.ErrMalformed) {
				t.Fatalf("Verify(%q) = %v, %v; want false, ErrMalformed", enc, ok, err)
			}
		})
	}
}

func TestNewConcurrency(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{-3, 1}, {0, 1}, {1, 1}, {4, 4}} {
		if got := passhash.Capacity(passhash.New(testParams, tt.in)); got != tt.want {
			t.Errorf("New(p, %d) runs %d at once, want %d", tt.in, got, tt.want)
		}
	}
}

// TestHasherSaturated is the deterministic form of "at most N hashes
// run at once": with every slot taken, a caller whose context ends gets
// ErrBusy and no hash runs.
func TestHasherSaturated(t *testing.T) {
	h := passhash.New(testParams, 1)
	enc, err := h.Hash(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	release := passhash.HoldSlot(h)
	defer release()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 {
		if _, err := h.Hash(cancelled, "s"); !errors.Is(err, passhash.ErrBusy) {
			t.Fatalf("Hash on a saturated hasher with a cancelled context: err = %v, want ErrBusy", err)
		} else if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want it to wrap context.Canceled for the logs", err)
		}
		if ok, err := h.Verify(cancelled, "s", enc); ok || !errors.Is(err, passhash.ErrBusy) {
			t.Fatalf("Verify on a saturated hasher with a cancelled context = %v, %v; want false, ErrBusy", ok, err)
		}
	}
	if n := passhash.InUse(h); n != 1 {
		t.Fatalf("after refused calls %d slots are taken, want only the held one", n)
	}

	// A waiting caller gives up when its context ends.
	ctx, cancelWait := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "s")
		done <- err
	}()
	cancelWait()
	if err := <-done; !errors.Is(err, passhash.ErrBusy) {
		t.Fatalf("waiting Hash after cancel: err = %v, want ErrBusy", err)
	}

	// A waiting caller with a live context proceeds once the slot is free,
	// and not before.
	var freed atomic.Bool
	type result struct {
		enc      string
		err      error
		wasFreed bool
	}
	waited := make(chan result, 1)
	go func() {
		enc, err := h.Hash(context.Background(), "s")
		waited <- result{enc, err, freed.Load()}
	}()
	freed.Store(true)
	release()
	r := <-waited
	if r.err != nil {
		t.Fatalf("Hash after the slot was freed: %v", r.err)
	}
	if !r.wasFreed {
		t.Fatal("Hash finished while the only slot was held")
	}
	if n := passhash.InUse(h); n != 0 {
		t.Fatalf("%d slots still taken after every call returned", n)
	}
}

func TestHasherConcurrentCalls(t *testing.T) {
	h := passhash.New(testParams, 1)
	ctx := context.Background()
	var wg sync.WaitGroup
	hashes := make([]string, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			hashes[i], errs[i] = h.Hash(ctx, fmt.Sprintf("secret-%d", i))
		})
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("Hash %d: %v", i, errs[i])
		}
		if ok, err := h.Verify(ctx, fmt.Sprintf("secret-%d", i), hashes[i]); !ok || err != nil {
			t.Fatalf("Verify %d = %v, %v", i, ok, err)
		}
	}
	if n := passhash.InUse(h); n != 0 {
		t.Fatalf("%d slots still taken after every call returned (leaked slot)", n)
	}

	// With two slots, one held, another hash still runs.
	h2 := passhash.New(testParams, 2)
	release := passhash.HoldSlot(h2)
	defer release()
	if _, err := h2.Hash(ctx, "s"); err != nil {
		t.Fatalf("Hash with one of two slots free: %v", err)
	}
}

// TestHasherDoneContext: a caller whose context has already ended never
// starts a hash, even with every slot free.
func TestHasherDoneContext(t *testing.T) {
	h := passhash.New(testParams, 4)
	enc, err := h.Hash(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 50 { // select picks at random among ready cases: repeat
		if got, err := h.Hash(ctx, "s"); got != "" || !errors.Is(err, passhash.ErrBusy) || !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash with a done context = %q, %v; want ErrBusy wrapping context.Canceled", got, err)
		}
		if ok, err := h.Verify(ctx, "s", enc); ok || !errors.Is(err, passhash.ErrBusy) {
			t.Fatalf("Verify with a done context = %v, %v; want false, ErrBusy", ok, err)
		}
	}
	// A malformed hash is reported as such, before any waiting.
	if _, err := h.Verify(ctx, "s", "$argon2i$"); !errors.Is(err, passhash.ErrMalformed) {
		t.Fatalf("Verify of a malformed hash = %v, want ErrMalformed", err)
	}
}

// BenchmarkHash measures one argon2id hash at the default parameters: the
// cost every submission, tracking login and staff login pays.
func BenchmarkHash(b *testing.B) {
	h := passhash.New(passhash.Default, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "1234-5678-9012-3456"); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzVerifyEncodedHash(f *testing.F) {
	ctx := context.Background()
	h := passhash.New(testParams, 4)
	genuine, err := h.Hash(ctx, "1234-5678-9012-3456")
	if err != nil {
		f.Fatal(err)
	}
	// The secret is fresh for every run, so no stored seed can match it.
	var b [16]byte
	rand.Read(b[:])
	secret := hex.EncodeToString(b[:])

	for _, s := range []string{
		genuine,
		strings.Replace(genuine, "m=1024", "m=2048", 1),
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI",
		"$argon2id$v=19$m=4096,t=3,p=4$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$$",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"", "$$$$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		// Keep each run cheap: an input Verify would accept but that asks
		// for a lot of argon2 work (memory above 64 MiB, or many passes) is
		// checked with small costs instead, so that its salt and key are
		// still parsed and compared.
		if parts := strings.Split(encoded, "$"); len(parts) == 6 {
			var m, iter uint32
			var p uint8
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &iter, &p); err == nil {
				eff := uint64(max(m, 8*uint32(p)))
				if m > 65536 || eff*uint64(iter) > 1<<16 {
					parts[3] = fmt.Sprintf("m=1024,t=1,p=%d", max(min(p, 4), 1))
					encoded = strings.Join(parts, "$")
				}
			}
		}
		ok, err := h.Verify(ctx, secret, encoded)
		if ok {
			t.Fatalf("Verify(random secret, %q) = true", encoded)
		}
		if err != nil && errors.Is(err, passhash.ErrBusy) {
			t.Fatalf("Verify(%q) = ErrBusy with a live context: %v", encoded, err)
		}
	})
}

func TestQueuedHasherRefusesInsteadOfPilingUp(t *testing.T) {
	h := passhash.NewQueued(passhash.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}, 1, 1)
	release := passhash.HoldSlot(h) // the only slot is taken
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiting := make(chan error, 1)
	go func() { _, err := h.Hash(ctx, "first waiter"); waiting <- err }()
	for passhash.Waiting(h) == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.Hash(context.Background(), "second waiter"); !errors.Is(err, passhash.ErrQueueFull) {
		t.Fatalf("second waiter: %v", err)
	}
	var b interface{ Busy() bool }
	if !errors.As(passhash.ErrQueueFull, &b) || !b.Busy() {
		t.Fatal("ErrQueueFull does not say it is busy")
	}
	release()
	if err := <-waiting; err != nil {
		t.Fatalf("the first waiter: %v", err)
	}
}

func TestSplitSlots(t *testing.T) {
	for n, want := range map[int][2]int{1: {1, 1}, 2: {1, 1}, 3: {2, 1}, 4: {2, 2}, 8: {4, 4}, 9: {5, 4}} {
		if a, s := passhash.SplitSlots(n); a != want[0] || s != want[1] {
			t.Errorf("SplitSlots(%d) = %d, %d; want %d, %d", n, a, s, want[0], want[1])
		}
	}
}

// TestSharedAnonymousUseEverySlot: with no staff hash waiting, anonymous
// hashes may take every one of the n slots (the pool is work-conserving:
// filing is not held to a fraction of the machine).
func TestSharedAnonymousUseEverySlot(t *testing.T) {
	for _, n := range []int{2, 1, 4} {
		anon, staff := passhash.Shared(testParams, n, 8)
		var held []func()
		for i := range n {
			release, ok := passhash.TryHoldSlot(anon)
			if !ok {
				t.Fatalf("n=%d: anonymous hash %d of %d must wait though no staff hash runs", n, i+1, n)
			}
			held = append(held, release)
		}
		if _, ok := passhash.TryHoldSlot(staff); ok {
			t.Fatalf("n=%d: a staff hash got a slot beyond the n shared ones", n)
		}
		for _, r := range held {
			r()
		}
		if got := passhash.InUse(staff); got != 0 {
			t.Fatalf("n=%d: %d slots still taken after every release", n, got)
		}
	}
}

// waitFor polls until cond holds: it orders the steps of a test, it
// asserts nothing about time.
func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// TestSharedStaffGoesFirst: a staff hash that arrives while anonymous
// hashes hold every slot and another anonymous one already waits gets the
// next freed slot; the waiting anonymous hash gets the one after.
func TestSharedStaffGoesFirst(t *testing.T) {
	anon, staff := passhash.Shared(testParams, 2, 8)
	first, second := passhash.HoldSlot(anon), passhash.HoldSlot(anon)
	anonGot, staffGot := make(chan func(), 1), make(chan func(), 1)
	go func() { anonGot <- passhash.HoldSlot(anon) }()
	waitFor(func() bool { return passhash.Waiting(anon) == 1 })
	go func() { staffGot <- passhash.HoldSlot(staff) }()
	waitFor(func() bool { return passhash.Waiting(staff) == 1 })

	first()
	releaseStaff := <-staffGot
	if w := passhash.Waiting(anon); w != 1 {
		t.Fatalf("after the staff hash got the freed slot %d anonymous hashes wait, want 1", w)
	}
	select {
	case <-anonGot:
		t.Fatal("the anonymous waiter got a slot before the staff waiter")
	default:
	}
	releaseStaff()
	releaseAnon := <-anonGot
	second()
	releaseAnon()
	if n := passhash.InUse(anon); n != 0 {
		t.Fatalf("%d slots still taken after every release", n)
	}

}

// TestSharedQueueBound: anonymous waiting stays bounded (ErrQueueFull at
// once), staff waiting is not refused.
func TestSharedQueueBound(t *testing.T) {
	anon, staff := passhash.Shared(testParams, 1, 1)
	release := passhash.HoldSlot(anon)
	waiting := make(chan error, 2)
	go func() { _, err := anon.Hash(context.Background(), "first waiter"); waiting <- err }()
	waitFor(func() bool { return passhash.Waiting(anon) == 1 })
	if _, err := anon.Hash(context.Background(), "second waiter"); !errors.Is(err, passhash.ErrQueueFull) {
		t.Fatalf("second anonymous waiter: %v, want ErrQueueFull", err)
	}
	go func() { _, err := staff.Hash(context.Background(), "staff"); waiting <- err }()
	waitFor(func() bool { return passhash.Waiting(staff) == 1 })
	release()
	for range 2 {
		if err := <-waiting; err != nil {
			t.Fatal(err)
		}
	}
}

// TestSharedCancelledWaitersLeakNothing races waiters whose contexts end
// against slots being handed over (run with -race): afterwards no slot is
// taken and nobody waits.
func TestSharedCancelledWaitersLeakNothing(t *testing.T) {
	anon, staff := passhash.Shared(testParams, 2, 64)
	var wg sync.WaitGroup
	for i := range 64 {
		h := anon
		if i%4 == 0 {
			h = staff
		}
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			if i%2 == 0 {
				go cancel()
			}
			defer cancel()
			_, err := h.Hash(ctx, "s")
			if err != nil && !errors.Is(err, passhash.ErrBusy) {
				t.Errorf("hash %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n, a, s := passhash.InUse(anon), passhash.Waiting(anon), passhash.Waiting(staff); n != 0 || a != 0 || s != 0 {
		t.Fatalf("after every call returned: %d slots taken, %d anonymous and %d staff waiting", n, a, s)
	}
}

// TestSharedHeadroomWhileStaffHashes: while a staff hash runs, anonymous
// hashes hold at most n-1 slots together with it, so one core stays free
// for the sign-in's request; once it ends they take every slot again.
func TestSharedHeadroomWhileStaffHashes(t *testing.T) {
	for _, n := range []int{2, 4} {
		anon, staff := passhash.Shared(testParams, n, 8)
		releaseStaff := passhash.HoldSlot(staff)
		var held []func()
		for range n - 2 {
			r, ok := passhash.TryHoldSlot(anon)
			if !ok {
				t.Fatalf("n=%d: anonymous hash refused with %d slots taken", n, passhash.InUse(anon))
			}
			held = append(held, r)
		}
		if _, ok := passhash.TryHoldSlot(anon); ok {
			t.Fatalf("n=%d: anonymous hashes took the last slot while a staff hash runs", n)
		}
		got := make(chan func(), 1)
		go func() { got <- passhash.HoldSlot(anon) }()
		waitFor(func() bool { return passhash.Waiting(anon) == 1 })
		releaseStaff()
		held = append(held, <-got)
		r, ok := passhash.TryHoldSlot(anon)
		if !ok {
			t.Fatalf("n=%d: with no staff hash, anonymous hashes cannot take slot %d", n, n)
		}
		held = append(held, r)
		for _, r := range held {
			r()
		}
		if u := passhash.InUse(anon); u != 0 {
			t.Fatalf("n=%d: %d slots still taken", n, u)
		}
	}
	// One slot: nothing to leave free, the staff hash simply goes first.
	anon, staff := passhash.Shared(testParams, 1, 8)
	releaseStaff := passhash.HoldSlot(staff)
	if _, ok := passhash.TryHoldSlot(anon); ok {
		t.Fatal("n=1: a second hash got a slot")
	}
	releaseStaff()
	if r, ok := passhash.TryHoldSlot(anon); !ok {
		t.Fatal("n=1: the free slot refused to an anonymous hash")
	} else {
		r()
	}
}
