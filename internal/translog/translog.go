// Package translog holds the building blocks of the portal's public,
// append-only transparency log (docs/transparency-log.md): RFC 6962 hashing
// and proofs, C2SP tlog-checkpoint notes signed as C2SP signed notes, C2SP
// tlog-tiles paths and entry bundles, and the portal's entry format.
//
// The Merkle tree arithmetic and the signed notes come from
// golang.org/x/mod/sumdb/tlog and golang.org/x/mod/sumdb/note, the code behind
// the Go checksum database; this package fixes their parameters (SHA-256,
// tiles of height 8, Ed25519 signatures) and writes the C2SP forms where they
// differ from the checksum database's. It stores nothing and holds no key: the
// sequencer, the storage of tiles and the signing key are the caller's.
//
// The package is named translog rather than tlog so that its own files can
// import x/mod's tlog under its own name.
package translog

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Hash is a SHA-256 Merkle tree hash (x/mod's tlog.Hash, so that values pass
// between the two packages unchanged).
type Hash = tlog.Hash

// HashSize is the size of a Hash in bytes.
const HashSize = tlog.HashSize

// HashReader reads stored hashes by their storage index (tlog.StoredHashIndex).
// A tile reader or an in-memory list of stored hashes implements it.
type HashReader = tlog.HashReader

// LeafHash is the RFC 6962 hash of a log entry: SHA-256 of 0x00 and the entry.
func LeafHash(entry []byte) Hash { return tlog.RecordHash(entry) }

// NodeHash is the RFC 6962 hash of an interior node: SHA-256 of 0x01, the
// left child's hash and the right child's hash.
func NodeHash(left, right Hash) Hash { return tlog.NodeHash(left, right) }

// EmptyRoot is the root hash of the empty tree: SHA-256 of no bytes.
func EmptyRoot() Hash {
	h, _ := tlog.TreeHash(0, nil) // a tree of size 0 reads no hashes
	return h
}

// TreeHash returns the root hash of the tree of the first size entries, read
// from r.
func TreeHash(size int64, r HashReader) (Hash, error) {
	if size < 0 {
		return Hash{}, fmt.Errorf("translog: tree size %d", size)
	}
	return tlog.TreeHash(size, r)
}

// ErrProof is returned when a proof does not verify.
var ErrProof = errors.New("translog: the proof does not verify")

// InclusionProof returns the RFC 6962 audit path of the entry at index in
// the tree of size entries.
func InclusionProof(index, size int64, r HashReader) ([]Hash, error) {
	if index < 0 || index >= size {
		return nil, fmt.Errorf("translog: no entry %d in a tree of size %d", index, size)
	}
	return tlog.ProveRecord(size, index, r)
}

// VerifyInclusion checks that proof shows the entry whose leaf hash is leaf
// at index in the tree of size entries whose root is root.
func VerifyInclusion(proof []Hash, index, size int64, leaf, root Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("%w: no entry %d in a tree of size %d", ErrProof, index, size)
	}
	if err := tlog.CheckRecord(proof, size, root, index, leaf); err != nil {
		return fmt.Errorf("%w: entry %d in a tree of size %d", ErrProof, index, size)
	}
	return nil
}

// ConsistencyProof returns the RFC 6962 consistency proof between the trees
// of sizes oldSize and newSize. It is empty when oldSize is 0 or equals
// newSize: those need no proof.
func ConsistencyProof(oldSize, newSize int64, r HashReader) ([]Hash, error) {
	if oldSize < 0 || oldSize > newSize {
		return nil, fmt.Errorf("translog: no consistency proof from size %d to size %d", oldSize, newSize)
	}
	if oldSize == 0 || oldSize == newSize {
		return []Hash{}, nil
	}
	return tlog.ProveTree(newSize, oldSize, r)
}

// VerifyConsistency checks that proof shows the tree of size newSize with
// root newRoot to extend the tree of size oldSize with root oldRoot. The
// empty tree is a prefix of every tree; two trees of one size are consistent
// only when their roots are equal, with an empty proof.
func VerifyConsistency(proof []Hash, oldSize int64, oldRoot Hash, newSize int64, newRoot Hash) error {
	switch {
	case oldSize < 0 || oldSize > newSize:
		return fmt.Errorf("%w: size %d cannot precede size %d", ErrProof, oldSize, newSize)
	case oldSize == 0:
		if oldRoot != EmptyRoot() || len(proof) != 0 {
			return fmt.Errorf("%w: the empty tree has the empty root and needs no proof", ErrProof)
		}
		return nil
	case oldSize == newSize:
		if oldRoot != newRoot || len(proof) != 0 {
			return fmt.Errorf("%w: two different roots for size %d", ErrProof, oldSize)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, newSize, newRoot, oldSize, oldRoot); err != nil {
		return fmt.Errorf("%w: size %d to size %d", ErrProof, oldSize, newSize)
	}
	return nil
}

// StoredHashes returns the hashes to store after appending entry as the
// entry at index, read earlier stored hashes from r (tlog.StoredHashes). A
// sequencer appends them, in order, after the hashes already stored.
func StoredHashes(index int64, entry []byte, r HashReader) ([]Hash, error) {
	return tlog.StoredHashes(index, entry, r)
}

// MemoryHashes is a log's stored hashes held in memory, in storage order. It
// is for tests and for a verifier that rebuilds a log from its entries
// (`portal log verify`), not for the sequencer, which keeps hashes in tiles.
type MemoryHashes []Hash

// ReadHashes implements HashReader.
func (m MemoryHashes) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("translog: no stored hash %d of %d", x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}

// Append adds entry as the next entry of the log and returns the log.
func (m MemoryHashes) Append(entry []byte) (MemoryHashes, error) {
	n := m.Size()
	hs, err := tlog.StoredHashes(n, entry, m)
	if err != nil {
		return m, err
	}
	return append(m, hs...), nil
}

// Size is the number of entries whose hashes m holds.
func (m MemoryHashes) Size() int64 {
	// Stored hash counts grow strictly with the size; search the size
	// whose count is len(m).
	lo, hi := int64(0), int64(len(m))
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if tlog.StoredHashCount(mid) <= int64(len(m)) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// StoredHashCount is the number of hashes stored for a log of size entries
// (tlog.StoredHashCount); the hashes of entry size onward come after them.
func StoredHashCount(size int64) int64 { return tlog.StoredHashCount(size) }
