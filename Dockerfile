# Minh Bạch portal: a production-like image (docker compose up --build).
# Stage 1 builds the web app, stage 2 the static Go binary with the app
# embedded (and without the embedded storage stack), stage 3 is a minimal
# runtime that runs as a non-root user.

FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# go.mod replaces FerretDB with the patched copy in third_party/ferretdb
# (PATCHES.md there): the module graph needs its go.mod before the download.
COPY third_party/ferretdb/go.mod third_party/ferretdb/go.mod
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
# nodevstack: the production binary carries no embedded database or object
# store (a third of the size); it needs PORTAL_MONGODB_URI and
# PORTAL_S3_ENDPOINT, as docker-compose.yml sets them.
RUN CGO_ENABLED=0 go build -tags nodevstack -trimpath -ldflags="-s -w" -o /out/portal ./cmd/portal

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portal /portal
ENV PORTAL_ADDR=:8080 PORTAL_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 CMD ["/portal", "healthcheck"]
ENTRYPOINT ["/portal"]
CMD ["serve"]
