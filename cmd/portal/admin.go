package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"minhbach/services"
)

// readPassword reads a password from the terminal without echo, or the
// first line of stdin when it is not a terminal. Never from argv.
func readPassword(stdin io.Reader, stdout io.Writer, prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		return string(b), err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// adminCommand is `portal admin create-user --email E --role R [--unit U] [--name N]`.
func adminCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create-user" {
		return usageError{"usage: portal admin create-user --email E --role admin|lead|inspector|monitor [--unit UNIT_ID] [--name NAME] (password on stdin)"}
	}
	fs := flag.NewFlagSet("create-user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail address (the login)")
	role := fs.String("role", "", "admin, lead, inspector or monitor")
	unit := fs.String("unit", "", "unit id (not for admins)")
	name := fs.String("name", "", "display name (default: the e-mail address)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	if *email == "" || *role == "" || fs.NArg() > 0 {
		return usageError{"create-user needs --email and --role, and reads the password from stdin"}
	}
	password, err := readPassword(stdin, stdout, "Password (at least 12 characters): ")
	if err != nil {
		return err
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		return createUser(ctx, a, *email, *name, *role, *unit, password, stdout)
	})
}

func createUser(ctx context.Context, a *app, email, name, role, unit, password string, stdout io.Writer) error {
	if name == "" {
		name = email
	}
	u, err := a.Staff.CreateUser(ctx, nil, services.CreateUserInput{Email: email, Name: name, Role: services.Role(role),
		UnitID: unit, Password: password})
	if err != nil {
		var e *services.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			return fmt.Errorf("%s %v", e.Message, e.Fields)
		}
		return err
	}
	_, err = fmt.Fprintf(stdout, "created %s account %s (id %s)\n", u.Role, u.Email, u.ID)
	return err
}
