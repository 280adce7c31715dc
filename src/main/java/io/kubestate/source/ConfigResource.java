package io.kubestate.source;

import java.util.Map;

/**
 * One MetricsConfig custom resource as the exporter reads it.
 *
 * @param generation the generation of its spec, or 0 when the API server does not set one
 * @param created when it was created, for ordering who named a family first
 * @param spec the spec as plain maps and lists, or null
 * @param status its current status, empty when it has none
 */
public record ConfigResource(String namespace, String name, long generation, String created, Object spec,
    Map<String, Object> status) {

  /** {@code namespace/name}, how it is named in messages and logs. */
  public String key() {
    return namespace + "/" + name;
  }
}
