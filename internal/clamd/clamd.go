// Package clamd is a client for the socket protocol of clamd, the ClamAV
// scanning daemon: INSTREAM to scan a stream, PING to check it is there.
package clamd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// chunkSize is the most data sent in one INSTREAM chunk. clamd accepts
// larger chunks, but its StreamMaxLength applies to the total anyway.
const chunkSize = 64 << 10

// maxReply bounds what is read of a reply: a reply is one short line.
const maxReply = 4 << 10

// DefaultTimeout is the timeout New uses when given one ≤ 0.
const DefaultTimeout = 30 * time.Second

// ErrScan means clamd answered that it could not scan the stream, for
// example because it exceeds clamd's StreamMaxLength. The file is neither
// clean nor infected: it is not scanned.
var ErrScan = errors.New("clamd: scan failed")

// Result is the verdict on a scanned stream.
type Result struct {
	Infected  bool
	Signature string // the name of what was found, e.g. "Eicar-Test-Signature"
}

// Client talks to one clamd. It holds no connection: each call opens its
// own, so a Client is safe for concurrent use.
type Client struct {
	network, address string
	timeout          time.Duration
}

// New returns a client for the clamd at addr, "host:port" for TCP or
// "unix:/path/to/clamd.sock". The timeout bounds connecting and each network
// operation of a call: sending one chunk, or waiting for the verdict once
// the stream is sent (clamd scans only then, so allow for the largest file).
// A timeout ≤ 0 means DefaultTimeout.
func New(addr string, timeout time.Duration) *Client {
	c := &Client{network: "tcp", address: addr, timeout: timeout}
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		c.network, c.address = "unix", path
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c
}

// Ping checks that clamd answers.
func (c *Client) Ping(ctx context.Context) (err error) {
	conn, done, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer func() { err = done(err) }()
	if err := c.write(ctx, conn, []byte("zPING\x00")); err != nil {
		return err
	}
	reply, err := c.readReply(ctx, conn)
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("clamd: unexpected reply to PING: %q", truncate(reply))
	}
	return nil
}

// Scan sends everything r yields to clamd and returns its verdict. An
// error means the stream was not scanned (never that it is clean): a clamd
// ERROR reply (wrapping ErrScan), a connection closed without a verdict, a
// timeout, ctx ending (wrapping its cause), or a failure to read r. ctx is
// checked between chunks and interrupts network operations, but not a read
// from r that blocks.
func (c *Client) Scan(ctx context.Context, r io.Reader) (res Result, err error) {
	conn, done, err := c.dial(ctx)
	if err != nil {
		return Result{}, err
	}
	defer func() { err = done(err) }()

	buf := make([]byte, 4+chunkSize)
	copy(buf, "zINSTREAM\x00")
	if err := c.write(ctx, conn, buf[:10]); err != nil {
		return Result{}, err
	}
	var sendErr error
	for sendErr == nil {
		n, rerr := io.ReadFull(r, buf[4:])
		if n > 0 {
			binary.BigEndian.PutUint32(buf, uint32(n))
			sendErr = c.write(ctx, conn, buf[:4+n])
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return Result{}, fmt.Errorf("clamd: reading the stream: %w", rerr)
		}
		if ctx.Err() != nil {
			return Result{}, context.Cause(ctx)
		}
	}
	if sendErr == nil {
		sendErr = c.write(ctx, conn, []byte{0, 0, 0, 0})
	}
	// clamd may have answered and closed before taking everything (its
	// size limit): read its reply even when sending failed, since it says
	// why.
	reply, rerr := c.readReply(ctx, conn)
	if rerr != nil {
		if sendErr != nil {
			return Result{}, sendErr
		}
		return Result{}, rerr
	}
	res, err = parseReply(reply)
	if err == nil && sendErr != nil {
		// A verdict on part of the stream is no verdict.
		return Result{}, sendErr
	}
	return res, err
}

// dial connects and arranges for ctx to interrupt the connection's I/O.
// done closes the connection and turns the error of an interrupted
// operation into ctx's cause.
func (c *Client) dial(ctx context.Context) (net.Conn, func(error) error, error) {
	d := net.Dialer{Timeout: c.timeout}
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, context.Cause(ctx)
		}
		return nil, nil, fmt.Errorf("clamd: %w", err)
	}
	stop := context.AfterFunc(ctx, func() {
		conn.SetDeadline(time.Unix(1, 0)) // fail pending and future I/O at once
	})
	done := func(err error) error {
		stop()
		conn.Close()
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("clamd: %w", context.Cause(ctx))
		}
		return err
	}
	return conn, done, nil
}

// write sends b. Setting a deadline would undo the one ctx's AfterFunc
// sets, so ctx is checked after it: either the check sees the
// cancellation, or the AfterFunc runs later and wins.
func (c *Client) write(ctx context.Context, conn net.Conn, b []byte) error {
	if err := conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return fmt.Errorf("clamd: %w", err)
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if _, err := conn.Write(b); err != nil {
		return fmt.Errorf("clamd: sending: %w", err)
	}
	return nil
}

// readReply reads one reply, which ends with NUL (the "z" commands) or
// when clamd closes the connection.
func (c *Client) readReply(ctx context.Context, conn net.Conn) (string, error) {
	if err := conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return "", fmt.Errorf("clamd: %w", err)
	}
	if ctx.Err() != nil {
		return "", context.Cause(ctx)
	}
	buf := make([]byte, maxReply)
	n := 0
	for n < len(buf) {
		m, err := conn.Read(buf[n:])
		if i := bytes.IndexByte(buf[n:n+m], 0); i >= 0 {
			return string(buf[:n+i]), nil
		}
		n += m
		if err == io.EOF {
			if n == 0 {
				return "", errors.New("clamd: connection closed without a reply")
			}
			return string(buf[:n]), nil
		}
		if err != nil {
			return "", fmt.Errorf("clamd: reading the reply: %w", err)
		}
	}
	return "", errors.New("clamd: reply too long")
}

// parseReply reads an INSTREAM reply: "stream: OK", "stream: NAME FOUND",
// or "MESSAGE ERROR". Anything else is an error, never a clean verdict.
func parseReply(reply string) (Result, error) {
	s := strings.TrimRight(reply, "\x00\r\n ")
	switch {
	case s == "stream: OK":
		return Result{}, nil
	case strings.HasSuffix(s, " ERROR"):
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(s, " ERROR"), "stream:"))
		return Result{}, fmt.Errorf("%w: %s", ErrScan, truncate(msg))
	case len(s) > len("stream:  FOUND") && strings.HasPrefix(s, "stream: ") && strings.HasSuffix(s, " FOUND"):
		sig := strings.TrimSpace(s[len("stream: ") : len(s)-len(" FOUND")])
		if sig == "" || len(sig) > 256 || strings.ContainsFunc(sig, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
			return Result{}, fmt.Errorf("clamd: malformed FOUND reply %q", truncate(s))
		}
		return Result{Infected: true, Signature: sig}, nil
	}
	return Result{}, fmt.Errorf("clamd: unexpected reply %q", truncate(s))
}

func truncate(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
