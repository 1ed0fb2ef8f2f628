package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// userDTO is a staff account as the API shows it: no password hash, no
// second-factor secrets.
type userDTO struct {
	ID                 string        `json:"id"`
	Email              string        `json:"email"`
	Name               string        `json:"name"`
	Role               services.Role `json:"role"`
	UnitID             string        `json:"unitId"`
	UnitName           string        `json:"unitName,omitempty"`
	Active             bool          `json:"active"`
	TOTPEnabled        bool          `json:"totpEnabled"`
	MustChangePassword bool          `json:"mustChangePassword"`
	CreatedAt          time.Time     `json:"createdAt"`
}

func toUserDTO(u services.User) userDTO {
	return userDTO{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, UnitID: u.UnitID, Active: u.Active,
		TOTPEnabled: u.TOTPEnabled, MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt}
}

type createUserRequest struct {
	Email    string        `json:"email"`
	Name     string        `json:"name"`
	Role     services.Role `json:"role"`
	UnitID   string        `json:"unitId"`
	Password string        `json:"password"`
}

// listUsers lists staff accounts (admin).
func (s *Server) listUsers(c *gin.Context) {
	users, err := s.staff.ListUsers(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]userDTO, len(users))
	for i, u := range users {
		out[i] = toUserDTO(u)
	}
	c.JSON(http.StatusOK, out)
}

// createUser adds a staff account (admin).
func (s *Server) createUser(c *gin.Context) {
	var in createUserRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	actor := actorOf(c)
	u, err := s.staff.CreateUser(c.Request.Context(), &actor, services.CreateUserInput{Email: in.Email, Name: in.Name,
		Role: in.Role, UnitID: in.UnitID, Password: in.Password})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/admin/users/"+u.ID)
	c.JSON(http.StatusCreated, toUserDTO(u))
}

type updateUserRequest struct {
	Name   *string        `json:"name"`
	Role   *services.Role `json:"role"`
	UnitID *string        `json:"unitId"`
	Active *bool          `json:"active"`
}

// updateUser changes an account's name, role, unit or active state (admin).
func (s *Server) updateUser(c *gin.Context) {
	var in updateUserRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	u, err := s.staff.UpdateUser(c.Request.Context(), actorOf(c), c.Param("id"),
		services.UpdateUserInput{Name: in.Name, Role: in.Role, UnitID: in.UnitID, Active: in.Active})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

type temporaryPasswordResponse struct {
	TemporaryPassword string `json:"temporaryPassword"`
}

// resetUserPassword sets a temporary password, returned once (admin).
func (s *Server) resetUserPassword(c *gin.Context) {
	temp, err := s.staff.ResetPassword(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, temporaryPasswordResponse{TemporaryPassword: temp})
}

// resetUserTOTP removes an account's second factor (admin).
func (s *Server) resetUserTOTP(c *gin.Context) {
	u, err := s.staff.ResetSecondFactor(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

// staffingDTO is one staffing change as the feed shows it.
type staffingDTO struct {
	ID           string        `json:"id"`
	At           time.Time     `json:"at"`
	Kind         string        `json:"kind"`
	UserID       string        `json:"userId"`
	Email        string        `json:"email"`
	Role         services.Role `json:"role"`
	UnitID       string        `json:"unitId,omitempty"`
	UnitName     string        `json:"unitName,omitempty"`
	FromRole     services.Role `json:"fromRole,omitempty"`
	FromUnitID   string        `json:"fromUnitId,omitempty"`
	FromUnitName string        `json:"fromUnitName,omitempty"`
	ActorEmail   string        `json:"actorEmail,omitempty"`
	CoolingUntil time.Time     `json:"coolingUntil,omitzero"` // none for a disabled account
	Cooling      bool          `json:"cooling"`
}

// listStaffing returns the staffing changes of the actor's unit (leads) or
// of the units their committee supervises (monitors).
func (s *Server) listStaffing(c *gin.Context) {
	events, err := s.staff.StaffingFeed(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]staffingDTO, len(events))
	for i, e := range events {
		out[i] = staffingDTO{ID: e.ID, At: e.At, Kind: e.Kind, UserID: e.UserID, Email: e.Email, Role: e.Role, UnitID: e.UnitID,
			UnitName: e.UnitName, FromRole: e.FromRole, FromUnitID: e.FromUnitID, FromUnitName: e.FromUnitName, ActorEmail: e.ActorEmail,
			CoolingUntil: e.CoolingUntil, Cooling: e.Cooling}
	}
	c.JSON(http.StatusOK, out)
}
