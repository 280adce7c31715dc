package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ParseResult;

/** What the program makes of the arguments an install gives its container. */
final class ContainerArgs {
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private ContainerArgs() {}

  static ParseResult parseArgs(List<HasMetadata> objects) {
    return RunFlags.parse(expandedArgs(objects));
  }

  static boolean metricsAuth(List<HasMetadata> objects) {
    return "kubernetes".equals(parseArgs(objects).matchedOptionValue("--metrics-auth", "none"));
  }

  static String flag(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  /** The container's arguments as Kubernetes passes them: $(VAR) expanded from the container's env. */
  static List<String> expandedArgs(List<HasMetadata> objects) {
    Map<String, String> env = envAsKubernetesExpandsIt(objects);
    List<String> args = Manifests.container(Manifests.template(objects)).getArgs().stream()
        .map(a -> expand(a, env)).toList();
    assertThat(args).as("arguments with an undefined $(VAR)").noneMatch(a -> a.contains("$("));
    return args;
  }

  /**
   * The container's environment: values, ConfigMap keys from the same install, placeholders for the
   * downward API; a $(VAR) in a value is expanded only from variables listed before it, as the
   * kubelet does.
   */
  static Map<String, String> envAsKubernetesExpandsIt(List<HasMetadata> objects) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar v : Manifests.container(Manifests.template(objects)).getEnv()) {
      String value;
      if (v.getValueFrom() == null) {
        value = expand(v.getValue(), env);
      } else if (v.getValueFrom().getConfigMapKeyRef() != null) {
        String name = v.getValueFrom().getConfigMapKeyRef().getName();
        ConfigMap map = Manifests.of(objects, ConfigMap.class).stream()
            .filter(m -> m.getMetadata().getName().equals(name))
            .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name + " for " + v.getName()));
        value = map.getData().get(v.getValueFrom().getConfigMapKeyRef().getKey());
        assertThat(value).as("%s from ConfigMap %s", v.getName(), name).isNotNull();
      } else {
        assertThat(v.getValueFrom().getFieldRef()).as(v.getName()).isNotNull();
        value = "fieldRef(" + v.getValueFrom().getFieldRef().getFieldPath() + ")";
      }
      env.put(v.getName(), value);
    }
    return env;
  }

  private static String expand(String s, Map<String, String> env) {
    Matcher m = VAR_REF.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }
}
