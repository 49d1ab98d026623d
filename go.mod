module github.com/pidone/pidone

go 1.26.0
