package services_test

import (
	"testing"

	"minhbach/services"
)

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
