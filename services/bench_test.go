package services_test

import (
	"context"
	"testing"

	"minhbach/services"
)

// BenchmarkReceiptHash measures one argon2id hash at the default parameters:
// the cost every submission and every tracking login pays.
func BenchmarkReceiptHash(b *testing.B) {
	h := services.NewSecretHasher(services.DefaultArgon2, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "1234-5678-9012-3456"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	in := services.SubmitInput{Kind: services.KindComplaint, Category: "bribe", Title: "Cán bộ đòi tiền",
		Description: "Khi nộp hồ sơ, cán bộ yêu cầu nộp thêm tiền ngoài quy định.", Place: "Một cửa", Language: "vi",
		Identity: &services.IdentityInput{Name: "Nguyễn Văn A", Phone: "0903123456"}}
	b.ReportAllocs()
	for b.Loop() {
		in := in
		in.Normalize()
		if err := in.Validate(services.DefaultLimits, validNow); err != nil {
			b.Fatal(err)
		}
	}
}
