package handlers

import (
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"

	"minhbach/services"
)

const (
	actorKey      = "actor"
	refreshCookie = "mb_refresh"
	refreshPath   = "/api/v1/auth"
)

// actorOf returns the signed-in staff member (zero when none).
func actorOf(c *gin.Context) services.Actor {
	v, _ := c.Get(actorKey)
	a, _ := v.(services.Actor)
	return a
}

func bearer(c *gin.Context) (string, bool) {
	tok, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	return strings.TrimSpace(tok), ok && strings.TrimSpace(tok) != ""
}

// staffAuth admits requests with a valid staff access token and sets the
// actor from the current user record.
func (s *Server) staffAuth(c *gin.Context) {
	tok, ok := bearer(c)
	if !ok {
		s.writeError(c, services.Errorf(services.ReasonSignInFirst, "Sign in first."))
		return
	}
	actor, u, err := s.staff.Authenticate(c.Request.Context(), tok)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// A temporary password (a new account, a reset) opens nothing but the
	// change of password (passwordAuth).
	if u.MustChangePassword {
		s.writeError(c, &services.Error{Code: services.CodeForbidden, Reason: services.ReasonPasswordChange, Message: "Choose a new password first.",
			Fields: map[string]string{"password": "must_change"}})
		return
	}
	c.Set(actorKey, actor)
	c.Next()
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type loginResponse struct {
	AccessToken           string     `json:"accessToken,omitempty"`
	ExpiresAt             *time.Time `json:"expiresAt,omitempty"`
	User                  userDTO    `json:"user"`
	TOTPEnrolmentRequired bool       `json:"totpEnrolmentRequired,omitempty"`
	EnrolmentToken        string     `json:"enrolmentToken,omitempty"`
	// PasswordChangeRequired: the password was temporary; PasswordToken
	// opens only POST /auth/password.
	PasswordChangeRequired bool   `json:"passwordChangeRequired,omitempty"`
	PasswordToken          string `json:"passwordToken,omitempty"`
}

// cookieRoute guards the routes that act on the refresh cookie alone
// (refresh, logout), which no bearer token protects: a request another
// site made is refused (403) — a Sec-Fetch-Site other than same-origin, or
// an Origin other than the portal's — and so is any body but JSON (415),
// which a cross-site page cannot send without a CORS preflight. SameSite=Strict
// is the first line; this is the second, for browsers and proxies that get
// it wrong.
func (s *Server) cookieRoute(c *gin.Context) {
	site, origin := c.GetHeader("Sec-Fetch-Site"), c.GetHeader("Origin")
	if (site != "" && site != "same-origin") || (origin != "" && !s.sameOrigin(c, origin)) {
		s.writeError(c, services.Errorf(services.ReasonCrossSite, "This request did not come from the portal's own pages."))
		return
	}
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "application/json" {
		s.writeError(c, services.Errorf(services.ReasonWrongType, "The request body must be application/json."))
		return
	}
	c.Next()
}

// sameOrigin reports whether origin (an Origin header) is the portal's
// public origin, or, when none is configured, names the host the request
// was sent to.
func (s *Server) sameOrigin(c *gin.Context, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Path != "" || u.User != nil {
		return false
	}
	if s.publicOrigin != "" {
		return strings.EqualFold(u.Scheme+"://"+u.Host, s.publicOrigin)
	}
	return strings.EqualFold(u.Host, c.Request.Host)
}

func (s *Server) setRefreshCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{Name: refreshCookie, Value: token, Path: refreshPath, Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearRefreshCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: refreshCookie, Value: "", Path: refreshPath, MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
}

// refreshToken reads the refresh cookie; it must be 64 hex characters.
func refreshToken(c *gin.Context) string {
	v, err := c.Cookie(refreshCookie)
	if err != nil || len(v) != 64 || strings.Trim(v, "0123456789abcdef") != "" {
		return ""
	}
	return v
}

func (s *Server) sendSession(c *gin.Context, res services.LoginResult) {
	out := loginResponse{User: toUserDTO(res.User)}
	out.User.UnitName = res.UnitName
	switch {
	case res.PasswordChangeNeeded:
		out.PasswordChangeRequired, out.PasswordToken = true, res.PasswordToken
	case res.EnrolmentNeeded:
		out.TOTPEnrolmentRequired, out.EnrolmentToken = true, res.EnrolToken
	default:
		exp := res.ExpiresAt
		out.AccessToken, out.ExpiresAt = res.AccessToken, &exp
		s.setRefreshCookie(c, res.RefreshToken, res.RefreshExpires)
	}
	c.JSON(http.StatusOK, out)
}

// login signs a staff member in.
func (s *Server) login(c *gin.Context) {
	var in loginRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	res, err := s.staff.Login(c.Request.Context(), in.Email, in.Password, in.TOTP, c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.sendSession(c, res)
}

// refresh rotates the refresh cookie and returns a new access token.
func (s *Server) refresh(c *gin.Context) {
	res, err := s.staff.Refresh(c.Request.Context(), refreshToken(c))
	if err != nil {
		if services.IsCode(err, services.CodeUnauthorized) {
			s.clearRefreshCookie(c)
		}
		s.writeError(c, err)
		return
	}
	s.sendSession(c, res)
}

// logout ends the sign-in of the refresh cookie.
func (s *Server) logout(c *gin.Context) {
	if err := s.staff.Logout(c.Request.Context(), refreshToken(c)); err != nil {
		s.writeError(c, err)
		return
	}
	s.clearRefreshCookie(c)
	c.Status(http.StatusNoContent)
}

// me returns the signed-in staff member.
func (s *Server) me(c *gin.Context) {
	tok, _ := bearer(c)
	u, unitName, err := s.staff.Me(c.Request.Context(), tok)
	if err != nil {
		s.writeError(c, err)
		return
	}
	dto := toUserDTO(u)
	dto.UnitName = unitName
	c.JSON(http.StatusOK, dto)
}

// passwordAuth admits a staff token or a password-change token on the
// change of password.
func (s *Server) passwordAuth(c *gin.Context) {
	tok, ok := bearer(c)
	if !ok {
		s.writeError(c, services.Errorf(services.ReasonSignInFirst, "Sign in first."))
		return
	}
	actor, err := s.staff.AuthenticatePassword(c.Request.Context(), tok)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(actorKey, actor)
	c.Next()
}

type passwordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// changePassword changes the staff member's own password.
func (s *Server) changePassword(c *gin.Context) {
	var in passwordRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.staff.ChangePassword(c.Request.Context(), actorOf(c), in.CurrentPassword, in.NewPassword); err != nil {
		s.writeError(c, err)
		return
	}
	s.clearRefreshCookie(c)
	c.Status(http.StatusNoContent)
}

// enrolAuth admits a staff token or an enrolment token on the second-factor
// routes.
func (s *Server) enrolAuth(c *gin.Context) {
	tok, ok := bearer(c)
	if !ok {
		s.writeError(c, services.Errorf(services.ReasonSignInFirst, "Sign in first."))
		return
	}
	u, viaEnrol, err := s.staff.AuthenticateEnrol(c.Request.Context(), tok)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set("enrolUser", u)
	c.Set("viaEnrol", viaEnrol)
	c.Next()
}

type totpSetupResponse struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauthUrl"`
	QRDataURL  string `json:"qrDataUrl"`
}

type totpSetupRequest struct {
	// Password confirms an enrolment by a signed-in staff member (not
	// needed with an enrolment token).
	Password string `json:"password"`
}

// setupTOTP starts a second-factor enrolment and returns the QR code.
func (s *Server) setupTOTP(c *gin.Context) {
	var in totpSetupRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			s.writeError(c, err)
			return
		}
	}
	u := c.MustGet("enrolUser").(services.User)
	setup, err := s.staff.SetupTOTP(c.Request.Context(), u, in.Password, c.GetBool("viaEnrol"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	png, err := qrcode.Encode(setup.URL, qrcode.Medium, 256)
	if err != nil {
		s.writeError(c, services.Wrap(err, services.ReasonInternal, "The QR code could not be made."))
		return
	}
	c.JSON(http.StatusOK, totpSetupResponse{Secret: setup.Secret, OTPAuthURL: setup.URL,
		QRDataURL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
}

type totpEnableRequest struct {
	Code string `json:"code"`
}

type totpEnableResponse struct {
	RecoveryCodes []string   `json:"recoveryCodes"`
	AccessToken   string     `json:"accessToken,omitempty"`
	ExpiresAt     *time.Time `json:"expiresAt,omitempty"`
	User          *userDTO   `json:"user,omitempty"`
}

// enableTOTP confirms the enrolment; with an enrolment token it also
// completes the sign-in.
func (s *Server) enableTOTP(c *gin.Context) {
	var in totpEnableRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	u := c.MustGet("enrolUser").(services.User)
	done, err := s.staff.EnableTOTP(c.Request.Context(), u.ID, in.Code, c.GetBool("viaEnrol"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := totpEnableResponse{RecoveryCodes: done.RecoveryCodes}
	if res := done.Session; res != nil {
		dto, exp := toUserDTO(res.User), res.ExpiresAt
		dto.UnitName = res.UnitName
		out.AccessToken, out.ExpiresAt, out.User = res.AccessToken, &exp, &dto
		s.setRefreshCookie(c, res.RefreshToken, res.RefreshExpires)
	}
	c.JSON(http.StatusOK, out)
}
