# syntax=docker/dockerfile:1
# Build stage: cgo + sqlite_fts5 through the Makefile (the one source of the build flags).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build BIN=/out/fentinel

# Runtime: glibc for the cgo SQLite driver, CA roots for HTTPS webhooks, no shell tools beyond the base.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fentinel \
 && useradd --system --uid 10001 --gid fentinel --home-dir /data --shell /usr/sbin/nologin fentinel \
 && mkdir -p /data && chown fentinel:fentinel /data
COPY --from=build /out/fentinel /usr/local/bin/fentinel
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
ENV FENTINEL_DB=/data/fentinel.db \
    FENTINEL_LISTEN=0.0.0.0:9464
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/fentinel", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/fentinel"]
CMD ["serve", "--config", "/etc/fentinel/fentinel.yaml"]
