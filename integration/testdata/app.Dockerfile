# An application image as a user writes it: any base, pidone taken from the
# release image with COPY --from=, and pidone as the entrypoint. The suite
# builds it after pidone-release:latest and pidone-test-busybox:latest.
FROM pidone-test-busybox:latest
COPY --from=pidone-release:latest /pidone /pidone
ENTRYPOINT ["/pidone", "--"]
CMD ["sh", "-c", "trap 'echo app stopping; exit 0' TERM; echo app ready; while :; do sleep 1; done"]
