# The FastCGI workers' image (docker-compose.yml, service `app`). Two stages: the compiler and
# the -dev packages stay in the first; the image that runs holds the binary and the shared
# libraries it links, nothing else.

# ---- build: the same `make bin/gongkai` as on a developer's machine (same Debian, same gcc) ----
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential pkg-config libfcgi-dev libpq-dev libsodium-dev libxml2-dev \
        libqrencode-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps the host's build/, bin/ and instance directories out, so this is a clean build.
COPY . .
RUN make bin/gongkai

# ---- runtime ----------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfcgi0ldbl libpq5 libsodium23 libxml2 \
        libqrencode4 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --uid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin gongkai \
 && install -d -o gongkai -g gongkai -m 0700 /keys \
 && install -d -o gongkai -g gongkai -m 0755 /run/gongkai
# A new named volume mounted on /keys takes this directory's owner and mode (0700, gongkai).
# uid 10001 is fixed because docker-compose.yml gives the socket volume to that uid.

COPY --from=build /src/bin/gongkai /usr/local/bin/gongkai
COPY docker/app-entrypoint.sh /usr/local/bin/app-entrypoint.sh
# The policy import's XSD and the demo policies (GONGKAI_SHARE below).
COPY schema/policies.xsd schema/policies-sample.xml /usr/local/share/gongkai/

# The image's own layout; the DSNs come from docker-compose.yml. GONGKAI_VAR stays unset: every
# path config.c would derive from it is set here or there.
ENV GONGKAI_KEYS=/keys/gongkai.keys \
    GONGKAI_SOCKET=/run/gongkai/gongkai.sock \
    GONGKAI_SHARE=/usr/local/share/gongkai

USER gongkai
WORKDIR /
ENTRYPOINT ["/usr/local/bin/app-entrypoint.sh"]
CMD ["serve"]
