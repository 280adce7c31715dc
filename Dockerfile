# syntax=docker/dockerfile:1
# docker build -t kube-state-otel .   (the same image as `mvn package jib:build`; see the README)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# The cache mount keeps downloaded dependencies between builds without putting them in a layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
# The presets are inside the jar (presets/*.yaml); `kube-state-otel presets` lists them.
COPY --from=build /src/target/kube-state-otel.jar /app/kube-state-otel.jar
# nobody: the exporter needs no file of its own beyond the jar.
USER 65534:65534
EXPOSE 9464 8081
# The heap follows the container's memory limit; an out-of-memory JVM exits so that Kubernetes
# restarts it rather than leaving it half-working. Keep these flags in step with Jib's jvmFlags in
# pom.xml (ImageConfigTest checks).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/kube-state-otel.jar"]
