package io.kubestate.config;

/**
 * A kind the cluster serves at one version, as found for a wildcard entry: from the
 * CustomResourceDefinitions while running, from the objects given to {@code render}.
 *
 * @param plural the resource name in URLs, or null when not known (render)
 */
public record ServedKind(String group, String version, String kind, String plural) {}
