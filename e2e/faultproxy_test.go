package e2e

import (
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// faultProxy forwards TCP connections to a real server (TCP, or a Unix
// socket when the target is a path) and injects faults the test controls:
// it can go down (closing every connection and refusing new ones until it
// comes up again), cut after a number of bytes sent upstream, and, for the
// MongoDB wire protocol, decide per write command whether to pass it, drop
// it, or pass it and lose its reply.
type faultProxy struct {
	ln      net.Listener
	network string
	target  string

	mu    sync.Mutex
	conns map[*proxyConn]bool
	down  bool

	// cutAt: once this many bytes (client to server, counted from when
	// it was armed) have passed, the proxy goes down. 0: never.
	cutAt atomic.Int64
	sent  atomic.Int64

	// onWrite, when set (setOnWrite), is asked about every MongoDB write
	// command (insert, update, delete, findAndModify) before it is
	// forwarded.
	onWrite atomic.Pointer[func(cmd string) writeAction]
}

// setOnWrite makes the proxy read the MongoDB wire protocol and ask fn
// about each write command.
func (p *faultProxy) setOnWrite(fn func(cmd string) writeAction) { p.onWrite.Store(&fn) }

type writeAction int

const (
	passWrite writeAction = iota
	// dropWrite goes down without forwarding the command: the server never
	// sees it.
	dropWrite
	// loseReply forwards the command and goes down before its reply can
	// come back: the server applies it, the client cannot know.
	loseReply
)

type proxyConn struct {
	client, server net.Conn
	mute           atomic.Bool // discard what the server sends
}

func (c *proxyConn) close() { c.client.Close(); c.server.Close() }

func newFaultProxy(t testing.TB, network, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, network: network, target: target, conns: map[*proxyConn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.goDown() })
	return p
}

func (p *faultProxy) Addr() string { return p.ln.Addr().String() }

// goDown closes every connection and refuses new ones.
func (p *faultProxy) goDown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.close()
	}
	clear(p.conns)
}

// comeUp accepts connections again and disarms the byte cut.
func (p *faultProxy) comeUp() {
	p.cutAt.Store(0)
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// cutAfter arms a cut after n more bytes upstream.
func (p *faultProxy) cutAfter(n int64) {
	p.sent.Store(0)
	p.cutAt.Store(n)
}

func (p *faultProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial(p.network, p.target)
		if err != nil {
			c.Close()
			continue
		}
		pc := &proxyConn{client: c, server: up}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			pc.close()
			continue
		}
		p.conns[pc] = true
		p.mu.Unlock()
		go p.upstream(pc)
		go p.downstream(pc)
	}
}

func (p *faultProxy) drop(pc *proxyConn) {
	pc.close()
	p.mu.Lock()
	delete(p.conns, pc)
	p.mu.Unlock()
}

// downstream copies the server's answers to the client unless muted.
func (p *faultProxy) downstream(pc *proxyConn) {
	defer p.drop(pc)
	buf := make([]byte, 32<<10)
	for {
		n, err := pc.server.Read(buf)
		if n > 0 && !pc.mute.Load() {
			if _, werr := pc.client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// upstream copies the client's bytes to the server, counting them for the
// byte cut, or message by message when onWrite is set.
func (p *faultProxy) upstream(pc *proxyConn) {
	defer p.drop(pc)
	if fn := p.onWrite.Load(); fn != nil {
		p.upstreamMessages(pc, *fn)
		return
	}
	buf := make([]byte, 16<<10)
	for {
		n, err := pc.client.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if at := p.cutAt.Load(); at > 0 {
				before := p.sent.Add(int64(n)) - int64(n)
				if before+int64(n) >= at {
					// Forward up to the offset, then go down.
					if k := at - before; k > 0 {
						_, _ = pc.server.Write(chunk[:k])
					}
					p.goDown()
					return
				}
			}
			if _, werr := pc.server.Write(chunk); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// upstreamMessages forwards MongoDB wire messages one by one: a 16-byte
// header whose first int32 is the whole length; an OP_MSG (2013) carries
// flags, then a section of kind 0 whose document's first key names the
// command.
func (p *faultProxy) upstreamMessages(pc *proxyConn, onWrite func(string) writeAction) {
	for {
		var head [4]byte
		if _, err := io.ReadFull(pc.client, head[:]); err != nil {
			return
		}
		size := int(binary.LittleEndian.Uint32(head[:]))
		if size < 16 || size > 64<<20 {
			return
		}
		msg := make([]byte, size)
		copy(msg, head[:])
		if _, err := io.ReadFull(pc.client, msg[4:]); err != nil {
			return
		}
		action := passWrite
		if cmd := opMsgCommand(msg); isWriteCommand(cmd) && p.counts(cmd) {
			action = onWrite(cmd)
		}
		switch action {
		case dropWrite:
			p.goDown()
			return
		case loseReply:
			pc.mute.Store(true)
			_, _ = pc.server.Write(msg)
			p.goDown()
			return
		}
		if _, err := pc.server.Write(msg); err != nil {
			return
		}
	}
}

func opMsgCommand(msg []byte) string {
	const opMsg = 2013
	if len(msg) < 26 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg || msg[20] != 0 {
		return ""
	}
	// msg[21:25] is the document's length, msg[25] the first element's
	// type, then its key as a C string.
	key := msg[26:]
	for i, b := range key {
		if b == 0 {
			cmd := string(key[:i])
			// The value: a string (type 2) naming the collection, as an
			// int32 length with the NUL, then the bytes.
			if v := key[i+1:]; msg[25] == 2 && len(v) >= 4 {
				n := int(binary.LittleEndian.Uint32(v[:4]))
				if n >= 1 && len(v) >= 4+n {
					return cmd + ":" + string(v[4:4+n-1])
				}
			}
			return cmd
		}
	}
	return ""
}

// counts leaves out what the background jobs write on their own schedule
// (leases, start-up migrations, the reaper's deletions of expired keys,
// sessions and sign-ins), not the request under test.
func (p *faultProxy) counts(cmd string) bool {
	switch _, coll, _ := strings.Cut(cmd, ":"); coll {
	case "leases", "migrations", "sessions", "signins":
		return false
	}
	return cmd != "delete:idempotency"
}

func isWriteCommand(cmd string) bool {
	cmd, _, _ = strings.Cut(cmd, ":")
	switch cmd {
	case "insert", "update", "delete", "findAndModify", "findandmodify":
		return true
	}
	return false
}
