package handlers

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/internal/pow"
	"minhbach/internal/throttle"
	"minhbach/services"
)

// Admission is the admission control of anonymous writes (filing, appeals,
// opening a tracking session): a proof of work solved by the browser and a
// per-client rate, so that a flood is refused cheaply, with Retry-After,
// before any argon2id hash or upload is started (docs/privacy.md,
// "Admission control").
type Admission struct {
	// PoWBits is the difficulty of the proof of work (0: none required).
	PoWBits int
	// WritesPerMinute is how many anonymous writes of one kind a client may
	// make a minute on average, in bursts of up to WritesBurst (0: no limit).
	WritesPerMinute, WritesBurst int
	// MaxInFlight is how many anonymous writes, from all clients together,
	// are handled at once; one more gets 503 with Retry-After at once, so
	// that a flood cannot fill the database's queue ahead of staff work
	// (0: no bound).
	MaxInFlight int
	// UploadMemory is the memory budget of file uploads, in bytes: every
	// request that carries files (filing, a citizen's message or added
	// evidence) holds UploadCost of it (less for a body known to be small)
	// while it is handled; one that does not fit waits briefly, then gets
	// 503 with Retry-After (docs/architecture.md, "Memory of uploads").
	// 0: no bound.
	UploadMemory int64
	// UploadCost is what one upload in flight holds at most: the object
	// store client's part buffer, the evidence pipeline's small-file
	// buffer and the request's own buffers and hashes.
	UploadCost int64
}

// busyRetryAfter is the Retry-After of an anonymous write refused because
// MaxInFlight others are being handled.
const busyRetryAfter = 2 * time.Second

// powHeader carries a solution: "<challenge>:<nonce>".
const powHeader = "X-Portal-PoW"

// challengeTTL is how long a challenge may be solved and used.
const challengeTTL = 5 * time.Minute

type admission struct {
	pow      *pow.Issuer // nil: no proof of work
	limiter  *throttle.Limiter
	inFlight chan struct{} // nil: no bound
	uploads  *uploadBudget // nil: no bound
	// busy counts each client's anonymous writes in flight (by limiter
	// key), so that one client holds at most perClientInFlight places.
	mu   sync.Mutex
	busy map[string]int
}

// perClientInFlight is how many anonymous writes one client may have in
// flight at once. A place is held while the request's body arrives, so
// without it one client opening slow uploads could hold every place of
// the global bound and shut everyone else out of filing.
const perClientInFlight = 2

// enter takes one of client's places; false when it holds them all.
func (a *admission) enter(client string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.busy[client] >= perClientInFlight {
		return false
	}
	a.busy[client]++
	return true
}

// leave gives back one of client's places.
func (a *admission) leave(client string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.busy[client]--; a.busy[client] <= 0 {
		delete(a.busy, client)
	}
}

func newAdmission(a Admission) *admission {
	ad := &admission{limiter: throttle.NewLimiter(a.WritesPerMinute, max(a.WritesBurst, 1), nil), busy: map[string]int{},
		uploads: newUploadBudget(a.UploadMemory, a.UploadCost)}
	if a.PoWBits > 0 {
		ad.pow = pow.New(a.PoWBits, challengeTTL, nil)
	}
	if a.MaxInFlight > 0 {
		ad.inFlight = make(chan struct{}, a.MaxInFlight)
	}
	return ad
}

// admit refuses an anonymous write of the given kind when its client is
// over its rate (429) or it carries no fresh solved challenge (400).
func (s *Server) admit(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		a := s.admission
		client := a.limiter.ClientKey(c.ClientIP())
		if ok, wait := a.limiter.Allow(kind + "|" + client); !ok {
			s.writeError(c, &services.Error{Code: services.CodeRateLimited, Reason: services.ReasonTooManyRequests, Message: "Too many requests from your network; please wait a moment.",
				RetryAfter: (wait + time.Second - 1) / time.Second * time.Second})
			return
		}
		if a.pow != nil {
			extra := 0
			if kind == "track" { // a client's wrong receipts make its challenges harder
				extra = s.tracking.GuessCost(c.ClientIP())
			}
			if err := a.pow.VerifyHarder(c.GetHeader(powHeader), extra); err != nil {
				s.writeError(c, powError(err))
				return
			}
		}
		if a.inFlight != nil {
			if !a.enter(client) {
				s.writeError(c, &services.Error{Code: services.CodeUnavailable, Reason: services.ReasonNetworkBusy, Message: "Too many requests from your network at once; please try again in a moment.",
					RetryAfter: busyRetryAfter})
				return
			}
			defer a.leave(client)
			select {
			case a.inFlight <- struct{}{}:
				defer func() { <-a.inFlight }()
			default:
				s.writeError(c, &services.Error{Code: services.CodeUnavailable, Reason: services.ReasonPortalBusy, Message: "The portal is busy; please try again in a moment.",
					RetryAfter: busyRetryAfter})
				return
			}
		}
		c.Next()
	}
}

// powError turns a refused solution into the portal's error vocabulary: the
// field "pow" tells the browser to fetch a new challenge and try again.
func powError(err error) error {
	reason := services.FieldInvalid
	switch {
	case errors.Is(err, pow.ErrFull):
		return &services.Error{Code: services.CodeUnavailable, Reason: services.ReasonPortalBusy, Message: "The portal is busy; please try again in a moment.", RetryAfter: 5 * time.Second}
	case errors.Is(err, pow.ErrMissing):
		reason = services.FieldRequired
	case errors.Is(err, pow.ErrExpired):
		reason = "expired"
	case errors.Is(err, pow.ErrReused):
		reason = "reused"
	case errors.Is(err, pow.ErrTooEasyNow):
		reason = "harder"
	}
	return &services.Error{Code: services.CodeInvalid, Reason: services.ReasonPowStale, Message: "The browser check is missing or stale; please try again.",
		Fields: map[string]string{"pow": reason}}
}

type challengeResponse struct {
	Challenge string    `json:"challenge"`
	Bits      int       `json:"bits"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// createChallenge hands out a proof-of-work challenge (bits 0 and no
// challenge when none is required).
func (s *Server) createChallenge(c *gin.Context) {
	if s.admission.pow == nil {
		c.JSON(http.StatusOK, challengeResponse{})
		return
	}
	// A client whose receipts keep failing pays more for every challenge
	// (services.Tracking.GuessCost): a cost, never a lock.
	ch := s.admission.pow.IssueHarder(s.tracking.GuessCost(c.ClientIP()))
	c.JSON(http.StatusOK, challengeResponse{Challenge: ch.Token, Bits: ch.Bits, ExpiresAt: ch.ExpiresAt.UTC()})
}

// proxyWarning logs once that requests come from a private or loopback
// peer while no proxy is trusted: behind a reverse proxy every client then
// shares the proxy's address, and with it every per-client limit. Loopback
// is ignored in development (a developer's own browser). The address itself
// is never logged.
func (s *Server) proxyWarning(trusted []string, development bool) gin.HandlerFunc {
	if len(trusted) > 0 {
		return func(c *gin.Context) { c.Next() }
	}
	var warned atomic.Bool
	return func(c *gin.Context) {
		if !warned.Load() {
			host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
			if err != nil {
				host = c.Request.RemoteAddr
			}
			if ip := net.ParseIP(host); ip != nil && (ip.IsPrivate() || (ip.IsLoopback() && !development)) && warned.CompareAndSwap(false, true) {
				s.log.Warn("requests arrive from a private or loopback address and PORTAL_TRUSTED_PROXIES is unset: " +
					"if the portal is behind a reverse proxy, every client shares the proxy's address and its per-client limits; " +
					"set PORTAL_TRUSTED_PROXIES to the proxy's address")
			}
		}
		c.Next()
	}
}
