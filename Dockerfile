# The release image: only the static pidone binary and its license. Nobody
# runs it; applications take the binary from it:
#
#	COPY --from=<this image> /pidone /pidone
#	ENTRYPOINT ["/pidone", "--"]
FROM scratch
COPY LICENSE /LICENSE
COPY bin/pidone /pidone
