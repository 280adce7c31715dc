package io.kubestate.expr;

/** A compiled config whose families measure only the objects of one namespace. */
public record ScopedConfig(String namespace, CompiledConfig config) {}
