package services

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// ParseWitnessKeys reads the witnesses' public keys, as `portal witness
// init` prints them: for each witness its cosignature verifier key (C2SP
// tlog-cosignature, type 0x04) and its refusal verifier key (signed-note
// Ed25519, type 0x01), both under the witness's name. A witness needs its
// cosignature key; without its refusal key its refusals are not accepted.
func ParseWitnessKeys(vkeys []string) ([]WitnessKey, error) {
	byName := map[string]*WitnessKey{}
	var order []string
	for _, k := range vkeys {
		var name string
		var cosig, refusal note.Verifier
		if v, err := translog.NewCosignatureVerifier(k); err == nil {
			name, cosig = v.Name(), v
		} else if v, err := note.NewVerifier(k); err == nil {
			name, refusal = v.Name(), v
		} else {
			return nil, fmt.Errorf("%q is neither a witness's cosignature key nor its refusal key", k)
		}
		w := byName[name]
		if w == nil {
			w = &WitnessKey{Name: name}
			byName[name] = w
			order = append(order, name)
		}
		switch {
		case cosig != nil && w.Verifier != nil, refusal != nil && w.RefusalVerifier != nil:
			return nil, fmt.Errorf("witness %q has two keys of one kind", name)
		case cosig != nil:
			w.Verifier, w.VerifierKey = cosig, k
		default:
			w.RefusalVerifier, w.RefusalKey = refusal, k
		}
	}
	out := make([]WitnessKey, 0, len(order))
	for _, n := range order {
		if byName[n].Verifier == nil {
			return nil, fmt.Errorf("witness %q has no cosignature key", n)
		}
		out = append(out, *byName[n])
	}
	return out, nil
}

// maxWitnessPost bounds a cosigned checkpoint or a refusal a witness posts.
const maxWitnessPost = 16 << 10

// AddCosignature records a registered witness's cosignature. text is the
// checkpoint as the witness cosigned it: the log's checkpoint text, the
// log's signature and the witness's cosignature. The checkpoint must be one
// the log issued (its text equal to the stored checkpoint of its size).
// Nobody signs in to do this; the witness's key is its credential.
func (l *PublicLog) AddCosignature(ctx context.Context, witness, text string) (LogCosignature, error) {
	w, ok := l.witnesses[witness]
	if !ok {
		return LogCosignature{}, Errorf(ReasonLogWitnessUnknown, "No witness of this log has that name.")
	}
	invalid := func(why string) (LogCosignature, error) {
		return LogCosignature{}, Errorf(ReasonLogCosignatureInvalid, "The cosignature is not valid: %s.", why)
	}
	if len(text) > maxWitnessPost {
		return invalid("too long")
	}
	n, err := note.Open([]byte(text), note.VerifierList(l.verifier, w.Verifier))
	if err != nil {
		return invalid("its signatures do not verify")
	}
	var logSigned bool
	var cosig *note.Signature
	for i, s := range n.Sigs {
		switch {
		case s.Name == l.origin && s.Hash == l.verifier.KeyHash():
			logSigned = true
		case s.Name == w.Name && s.Hash == w.Verifier.KeyHash():
			cosig = &n.Sigs[i]
		}
	}
	if !logSigned || cosig == nil {
		return invalid("it needs the log's signature and the witness's cosignature")
	}
	cp, err := translog.ParseCheckpoint([]byte(n.Text))
	if err != nil || cp.Origin != l.origin {
		return invalid("it is not a checkpoint of this log")
	}
	issued, err := ReadLogObject(ctx, l.blobs, translog.CheckpointPath(cp.Size))
	if IsCode(err, CodeNotFound) {
		return invalid("the log issued no checkpoint of that size")
	}
	if err != nil {
		return LogCosignature{}, err
	}
	if in, err := note.Open(issued, note.VerifierList(l.verifier)); err != nil || in.Text != n.Text {
		return invalid("it is not the checkpoint the log issued at that size")
	}
	at, err := translog.CosignatureTime(*cosig)
	if err != nil {
		return invalid("its timestamp cannot be read")
	}
	c := LogCosignature{Witness: w.Name, Size: cp.Size, Line: "— " + cosig.Name + " " + cosig.Base64 + "\n", At: at}
	if err := l.store.AddLogCosignature(ctx, c); err != nil {
		return LogCosignature{}, err
	}
	return c, nil
}

// AddRefusal records a registered witness's signed refusal
// (translog.Refusal): the portal keeps and shows it, it cannot make it
// untrue, and dropping it would leave the witness's cosignatures stale for
// all to see.
func (l *PublicLog) AddRefusal(ctx context.Context, witness, text string) (LogCosignature, error) {
	w, ok := l.witnesses[witness]
	if !ok {
		return LogCosignature{}, Errorf(ReasonLogWitnessUnknown, "No witness of this log has that name.")
	}
	if len(text) > maxWitnessPost {
		return LogCosignature{}, Errorf(ReasonLogCosignatureInvalid, "The refusal is too long.")
	}
	if w.RefusalVerifier == nil {
		return LogCosignature{}, Errorf(ReasonLogWitnessUnknown, "This witness's refusal key is not registered.")
	}
	r, err := translog.OpenRefusal([]byte(text), w.RefusalVerifier)
	if err != nil || r.Origin != l.origin {
		return LogCosignature{}, Errorf(ReasonLogCosignatureInvalid, "The refusal is not signed by this witness for this log.")
	}
	c := LogCosignature{Witness: w.Name, Size: -1, Refusal: text, Reason: string(r.Reason), At: l.now().UTC()}
	if r.Got != nil {
		c.Size = r.Got.Size
	}
	if err := l.store.AddLogCosignature(ctx, c); err != nil {
		return LogCosignature{}, err
	}
	return c, nil
}
