package services

// This file exposes internals to the external services_test package. It is
// compiled only by `go test`.

// HashSecret and VerifySecret are the services' calls of a Hasher, which
// report a hasher that gave up waiting as unavailable.
var (
	HashSecret   = hashSecret
	VerifySecret = verifySecret
)

// HoldsCustody is the grant-shape half of the custody rule (CustodyGate
// checks the two people's accounts).
var HoldsCustody = holdsCustody

// TypeExt is the extension of an accepted type, for a legacy file's neutral name.
var TypeExt = typeExt
