module mip

go 1.26.0

require (
	github.com/klippa-app/go-pdfium v1.20.0
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/sys v0.48.0
	golang.org/x/text v0.42.0
)

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/jolestar/go-commons-pool/v2 v2.1.2 // indirect
)
