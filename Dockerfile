# Runstream's HTTP bridge and CLI (kafka-bridge/target/runstream.jar) in a JRE image.
#
#   docker build -t runstream .
#   docker run --rm -p 8080:8080 -v runstream-data:/var/lib/runstream runstream
#       -> `serve` with its embedded broker and registry, their data in the volume
#   docker run --rm runstream --help
#       -> any other subcommand: the arguments replace `serve`
#
# docker-compose.yml next to this file runs it against Apache Kafka and Confluent Schema Registry instead.
# Extra JVM flags: set JAVA_TOOL_OPTIONS (the JVM reads it itself), e.g. -e JAVA_TOOL_OPTIONS=-Xlog:gc.

############################################################ build
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build

# The POMs alone first: the dependency download below stays in the layer cache until a POM changes.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY streaming-core/pom.xml streaming-core/
COPY kafka-bridge/pom.xml kafka-bridge/
# Pinned at maven-dependency-plugin 3.9.0: the first version whose excludeReactor (on by default) leaves the
# reactor's own modules out, so go-offline works before they are built (earlier versions try to download them).
# It does not fetch everything (e.g. surefire's providers): the package step below may still download a little.
RUN mvn -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.9.0:go-offline

# Then the sources. -DskipTests still compiles the tests: kafka-bridge's test classpath needs streaming-core's
# test jar, which only a full reactor build produces.
COPY schemas/src schemas/src
COPY streaming-core/src streaming-core/src
COPY kafka-bridge/src kafka-bridge/src
RUN mvn -B -ntp -DskipTests package

############################################################ runtime
FROM eclipse-temurin:21-jre

# A system user with a fixed, numeric id (so that Kubernetes' runAsNonRoot can check it). 10001, not 1000:
# the Ubuntu base image already has a user 1000 (ubuntu).
# The health check below uses curl. eclipse-temurin's Ubuntu images ship it (and wget) today; should a later base
# image drop it, install it here rather than ship a container that never turns healthy.
RUN groupadd --system --gid 10001 runstream \
    && useradd --system --uid 10001 --gid runstream --home-dir /var/lib/runstream --no-create-home \
       --shell /usr/sbin/nologin runstream \
    && mkdir -p /opt/runstream /var/lib/runstream \
    && chown runstream:runstream /var/lib/runstream \
    && if ! command -v curl >/dev/null 2>&1; then \
         apt-get update \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
         && rm -rf /var/lib/apt/lists/*; \
       fi

COPY --from=build /build/kafka-bridge/target/runstream.jar /opt/runstream/runstream.jar

USER 10001:10001
# `serve` keeps its data (--data-dir) under ./.runstream by default, e.g. the embedded broker's log: the working
# directory is the volume, so a named volume (created from this directory, owned by runstream) keeps it all.
WORKDIR /var/lib/runstream
VOLUME ["/var/lib/runstream"]

# The HTTP bridge (serve --port, 8080 by default).
EXPOSE 8080

# GET /health answers 200 once serve is up. The URL is an environment variable so that a container started with
# another --port can keep a working check: -e RUNSTREAM_HEALTH_URL=http://127.0.0.1:9090/health.
# The start period covers the JVM start plus, without --bootstrap-servers, the embedded broker's format and start.
ENV RUNSTREAM_HEALTH_URL=http://127.0.0.1:8080/health
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "$RUNSTREAM_HEALTH_URL" || exit 1

# MaxRAMPercentage sizes the heap from the container's memory limit (the default is 25%); 75% leaves the rest for
# metaspace, thread stacks and direct buffers (Kafka's network I/O).
# ExitOnOutOfMemoryError: a JVM that ran out of heap is in an unknown state; exit and let the orchestrator restart it.
# SERIALIZABLE_PACKAGES: Avro 1.12 refuses to instantiate generated classes outside trusted packages.
ENTRYPOINT ["java", \
            "-XX:MaxRAMPercentage=75.0", \
            "-XX:+ExitOnOutOfMemoryError", \
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.runstream", \
            "-jar", "/opt/runstream/runstream.jar"]
CMD ["serve"]
