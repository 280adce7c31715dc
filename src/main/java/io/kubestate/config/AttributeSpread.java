package io.kubestate.config;

/**
 * Every entry of a map on the object (labels, annotations, ...) as an attribute: the entry's key
 * after {@code prefix}, its value as the value. Keys written in {@code attributes} win over these.
 *
 * @param position where the path is written
 */
public record AttributeSpread(String path, String prefix, Position position) {}
