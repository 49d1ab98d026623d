// Package release checks what `make release` hands to users: one static,
// stripped binary per architecture, the multi-arch OCI image that holds
// them, a .deb and an .apk of each, their SBOMs and the signed SHA256SUMS,
// byte for byte the same however often and wherever the same commit is
// built; and each binary working as PID 1 on its own architecture under
// qemu-user.
//
// Its tests need a toolchain, git, Docker, skopeo, minisign, lintian and
// qemu-user-static and take minutes, so they sit behind build tags and run
// from their own make targets: `make release-test` (tag release) and
// `make qemu-test` (tag qemu).
package release
