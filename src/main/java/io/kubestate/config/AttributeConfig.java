package io.kubestate.config;

/** A data-point attribute: its key and the expression giving its value. */
public record AttributeConfig(String key, ExprConfig value, Position position) {}
