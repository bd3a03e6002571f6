module mip

go 1.26
