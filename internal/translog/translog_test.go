package translog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

// The reference below is RFC 6962, section 2.1, written out as the RFC
// defines it (MTH, PATH and SUBPROOF over a list of entries), independently
// of x/mod's stored-hash arithmetic that the package uses.

func refLeaf(d []byte) Hash { return sha256.Sum256(append([]byte{0}, d...)) }

func refNode(l, r Hash) Hash { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }

// refSplit is the largest power of two smaller than n (n > 1).
func refSplit(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func refMTH(d [][]byte) Hash {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return refLeaf(d[0])
	}
	k := refSplit(len(d))
	return refNode(refMTH(d[:k]), refMTH(d[k:]))
}

func refPath(m int, d [][]byte) []Hash {
	if len(d) <= 1 {
		return nil
	}
	k := refSplit(len(d))
	if m < k {
		return append(refPath(m, d[:k]), refMTH(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refMTH(d[:k]))
}

func refSubproof(m int, d [][]byte, b bool) []Hash {
	n := len(d)
	if m == n {
		if b {
			return nil
		}
		return []Hash{refMTH(d)}
	}
	k := refSplit(n)
	if m <= k {
		return append(refSubproof(m, d[:k], b), refMTH(d[k:]))
	}
	return append(refSubproof(m-k, d[k:], false), refMTH(d[:k]))
}

func entries(n int) [][]byte {
	d := make([][]byte, n)
	for i := range d {
		d[i] = fmt.Appendf(nil, "entry %d", i)
	}
	return d
}

func build(t testing.TB, d [][]byte) MemoryHashes {
	t.Helper()
	var m MemoryHashes
	for _, e := range d {
		var err error
		if m, err = m.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func hexHash(t *testing.T, s string) Hash {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != HashSize {
		t.Fatalf("bad hex %q", s)
	}
	return Hash(b)
}

func TestHashingVectors(t *testing.T) {
	// The empty tree's root is SHA-256 of no bytes; a leaf hashes 0x00 and
	// the entry; a node 0x01 and its children (RFC 6962, section 2.1).
	if got, want := EmptyRoot(), hexHash(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"); got != want {
		t.Errorf("empty root %x, want %x", got, want)
	}
	if got, want := LeafHash(nil), hexHash(t, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"); got != want {
		t.Errorf("leaf hash of the empty entry %x, want %x", got, want)
	}
	a, b := LeafHash([]byte("a")), LeafHash([]byte("b"))
	if got, want := NodeHash(a, b), refNode(a, b); got != want {
		t.Errorf("node hash %x, want %x", got, want)
	}
	if NodeHash(a, b) == NodeHash(b, a) {
		t.Error("a node hash does not depend on the order of its children")
	}
	// A leaf can never be taken for a node: the same 64 bytes hash
	// differently as an entry and as two children.
	var pair []byte
	pair = append(append(pair, a[:]...), b[:]...)
	if LeafHash(pair) == NodeHash(a, b) {
		t.Error("leaf and node hashes are not domain-separated")
	}

	// The known roots of the trees of the first 0 to 8 entries of RFC
	// 6962's test inputs, as transparency-dev/merkle's own tests state them
	// (indexed by tree size).
	in := testonly.LeafInputs()
	roots := testonly.RootHashes()
	if len(roots) != len(in)+1 || len(in) != 8 {
		t.Fatalf("%d inputs and %d roots", len(in), len(roots))
	}
	var m MemoryHashes
	for i, e := range in {
		var err error
		if m, err = m.Append(e); err != nil {
			t.Fatal(err)
		}
		got, err := TreeHash(m.Size(), m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[:], roots[i+1]) {
			t.Errorf("root of %d entries %x, want %x", i+1, got, roots[i+1])
		}
		if ref := refMTH(in[:i+1]); got != ref {
			t.Errorf("root of %d entries %x, the RFC's definition gives %x", i+1, got, ref)
		}
	}
	if empty := EmptyRoot(); !bytes.Equal(roots[0], empty[:]) {
		t.Errorf("the library's empty root %x differs from %x", roots[0], empty)
	}
}

func TestMemoryHashesSize(t *testing.T) {
	var m MemoryHashes
	for i := range 300 {
		if m.Size() != int64(i) {
			t.Fatalf("after %d entries, Size is %d", i, m.Size())
		}
		var err error
		if m, err = m.Append([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

const maxProofSize = 64

func TestInclusionProofs(t *testing.T) {
	d := entries(maxProofSize)
	m := build(t, d)
	hasher := rfc6962.DefaultHasher
	for size := 1; size <= maxProofSize; size++ {
		root, err := TreeHash(int64(size), m)
		if err != nil {
			t.Fatal(err)
		}
		if ref := refMTH(d[:size]); root != ref {
			t.Fatalf("size %d: root %x, want %x", size, root, ref)
		}
		for i := range size {
			p, err := InclusionProof(int64(i), int64(size), m)
			if err != nil {
				t.Fatal(err)
			}
			if ref := refPath(i, d[:size]); fmt.Sprint(p) != fmt.Sprint(ref) {
				t.Fatalf("entry %d of %d: proof %x, the RFC's PATH gives %x", i, size, p, ref)
			}
			leaf := LeafHash(d[i])
			if err := VerifyInclusion(p, int64(i), int64(size), leaf, root); err != nil {
				t.Fatalf("entry %d of %d: %v", i, size, err)
			}
			// A second implementation agrees.
			if err := proof.VerifyInclusion(hasher, uint64(i), uint64(size), leaf[:], toBytes(p), root[:]); err != nil {
				t.Fatalf("entry %d of %d: transparency-dev/merkle refuses the proof: %v", i, size, err)
			}
			// Refused: another entry, another index, another root, a
			// changed, shortened or lengthened proof.
			refuse := func(what string, p []Hash, index int64, leaf, root Hash) {
				t.Helper()
				if err := VerifyInclusion(p, index, int64(size), leaf, root); !errors.Is(err, ErrProof) {
					t.Fatalf("entry %d of %d, %s: %v", i, size, what, err)
				}
			}
			refuse("another entry", p, int64(i), LeafHash([]byte("other")), root)
			refuse("another root", p, int64(i), leaf, NodeHash(root, root))
			if size > 1 {
				refuse("another index", p, int64((i+1)%size), leaf, root)
				q := append([]Hash(nil), p...)
				q[len(q)-1][0] ^= 1
				refuse("a changed proof", q, int64(i), leaf, root)
				refuse("a shortened proof", p[:len(p)-1], int64(i), leaf, root)
			}
			refuse("a lengthened proof", append(append([]Hash(nil), p...), root), int64(i), leaf, root)
			refuse("an index outside the tree", p, int64(size), leaf, root)
		}
	}
	if _, err := InclusionProof(3, 3, m); err == nil {
		t.Error("a proof for an entry beyond the tree")
	}
}

func TestConsistencyProofs(t *testing.T) {
	d := entries(maxProofSize)
	m := build(t, d)
	hasher := rfc6962.DefaultHasher
	for newSize := 1; newSize <= maxProofSize; newSize++ {
		newRoot := refMTH(d[:newSize])
		for oldSize := 0; oldSize <= newSize; oldSize++ {
			oldRoot := refMTH(d[:oldSize])
			p, err := ConsistencyProof(int64(oldSize), int64(newSize), m)
			if err != nil {
				t.Fatal(err)
			}
			if oldSize > 0 {
				if ref := refSubproof(oldSize, d[:newSize], true); fmt.Sprint(p) != fmt.Sprint(ref) {
					t.Fatalf("%d to %d: proof %x, the RFC's PROOF gives %x", oldSize, newSize, p, ref)
				}
			}
			if err := VerifyConsistency(p, int64(oldSize), oldRoot, int64(newSize), newRoot); err != nil {
				t.Fatalf("%d to %d: %v", oldSize, newSize, err)
			}
			if err := proof.VerifyConsistency(hasher, uint64(oldSize), uint64(newSize), toBytes(p), oldRoot[:], newRoot[:]); err != nil {
				t.Fatalf("%d to %d: transparency-dev/merkle refuses the proof: %v", oldSize, newSize, err)
			}
			// A rewritten history: the old tree with one entry changed.
			if oldSize > 0 {
				forged := append([][]byte(nil), d[:oldSize]...)
				forged[oldSize-1] = []byte("rewritten")
				if err := VerifyConsistency(p, int64(oldSize), refMTH(forged), int64(newSize), newRoot); !errors.Is(err, ErrProof) {
					t.Fatalf("%d to %d with a rewritten old tree: %v", oldSize, newSize, err)
				}
				if err := VerifyConsistency(p, int64(oldSize), oldRoot, int64(newSize), NodeHash(newRoot, newRoot)); !errors.Is(err, ErrProof) {
					t.Fatalf("%d to %d with another new root: %v", oldSize, newSize, err)
				}
				if len(p) > 0 {
					q := append([]Hash(nil), p...)
					q[0][31] ^= 1
					if err := VerifyConsistency(q, int64(oldSize), oldRoot, int64(newSize), newRoot); !errors.Is(err, ErrProof) {
						t.Fatalf("%d to %d with a changed proof: %v", oldSize, newSize, err)
					}
				}
			}
		}
		// A smaller tree is not consistent with a larger one.
		if newSize > 1 {
			if err := VerifyConsistency(nil, int64(newSize), newRoot, int64(newSize-1), refMTH(d[:newSize-1])); !errors.Is(err, ErrProof) {
				t.Fatalf("truncation from %d accepted: %v", newSize, err)
			}
		}
	}
	if err := VerifyConsistency(nil, 0, NodeHash(EmptyRoot(), EmptyRoot()), 5, refMTH(d[:5])); !errors.Is(err, ErrProof) {
		t.Errorf("an empty tree with a root other than the empty root: %v", err)
	}
	if _, err := ConsistencyProof(5, 4, m); err == nil {
		t.Error("a consistency proof from a larger size to a smaller one")
	}
}

func toBytes(p []Hash) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = p[i][:]
	}
	return out
}
