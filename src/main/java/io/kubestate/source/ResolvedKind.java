package io.kubestate.source;

/** A kind as the API server serves it: the chosen version, its plural and its scope. */
record ResolvedKind(String group, String version, String kind, String plural, boolean namespaced) {

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
