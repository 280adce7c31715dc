package io.kubestate.config;

/**
 * How the OTLP export is shaped, from the {@code otlp} section of a native config.
 *
 * @param resourcePerObject each object's points go under a Resource of their own, which carries the
 *     object's identity attributes, instead of all points sharing the exporter's Resource
 * @param position where the setting was written, for a message about two files that disagree
 */
public record OtlpOptions(boolean resourcePerObject, Position position) {}
