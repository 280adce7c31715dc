package io.kubestate.expr;

import io.kubestate.config.AttributeConfig;
import io.kubestate.config.AttributeSpread;
import io.kubestate.config.Condition;
import io.kubestate.config.ExprConfig;
import io.kubestate.config.FamilyConfig;
import io.kubestate.config.KsmFamilySpec;
import io.kubestate.config.Position;
import io.kubestate.config.Problems;
import io.kubestate.config.ResourceConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses a config that would read the contents of Secrets ({@code data}, {@code stringData}):
 * a state exporter has no business copying credentials into metrics. A family may read a Secret's
 * metadata (names, labels, types).
 */
final class SecretGuard {
  private static final Pattern CEL_READS_DATA = Pattern.compile("\\bdata\\b|\\bstringData\\b");

  private SecretGuard() {}

  static boolean appliesTo(ResourceConfig r) {
    return r.group().isEmpty() && r.kind().equals("Secret");
  }

  static void check(ResourceConfig r, FamilyConfig f, Problems problems) {
    for (AttributeConfig a : r.attributes()) {
      check(a.value(), true, problems);
    }
    for (AttributeSpread s : r.attributesFrom()) {
      checkPath(s.path(), true, s.position(), problems);
    }
    boolean atRoot = f.each().isEmpty();
    for (ExprConfig.Path e : f.each()) {
      checkPath(e.path(), true, e.position(), problems);
    }
    for (AttributeConfig a : f.attributes()) {
      check(a.value(), atRoot, problems);
    }
    for (AttributeSpread s : f.attributesFrom()) {
      checkPath(s.path(), atRoot, s.position(), problems);
    }
    if (f.value() != null) {
      check(f.value(), atRoot, problems);
    }
    for (Condition c : f.when()) {
      if (c.cel() != null) {
        check(c.cel(), atRoot, problems);
      } else {
        checkPath(c.path(), atRoot, c.position(), problems);
      }
    }
    if (f.compat() != null) {
      checkKsm(f.compat(), f.position(), problems);
    }
  }

  private static void check(ExprConfig e, boolean atRoot, Problems problems) {
    if (e instanceof ExprConfig.Path p) {
      checkPath(p.path(), atRoot, p.position(), problems);
    } else if (e instanceof ExprConfig.Cel c) {
      if (CEL_READS_DATA.matcher(c.source()).find()) {
        refuse(c.position(), problems);
      }
    } else if (e instanceof ExprConfig.FirstOf f) {
      f.options().forEach(o -> check(o, atRoot, problems));
    } else if (e instanceof ExprConfig.Elapsed d) {
      check(d.from(), atRoot, problems);
      if (d.to() != null) {
        check(d.to(), atRoot, problems);
      }
    } else if (e instanceof ExprConfig.Modified m) {
      check(m.base(), atRoot, problems);
    }
  }

  /** A path reads data when, from the object root, it starts there, or when it is the whole object. */
  private static void checkPath(String text, boolean atRoot, Position at, Problems problems) {
    String t = text.strip();
    boolean rooted = t.startsWith("$");
    if (rooted || atRoot) {
      String rest = t.replaceFirst("^\\$\\.?", "");
      if (rest.isEmpty() || rest.equals("@") || rest.startsWith("data") || rest.startsWith("stringData")
          || rest.startsWith("[\"data\"]") || rest.startsWith("['data']") || rest.startsWith("[\"stringData\"]")
          || rest.startsWith("['stringData']")) {
        refuse(at, problems);
      }
    }
  }

  private static void checkKsm(KsmFamilySpec spec, Position at, Problems problems) {
    List<List<String>> paths = new java.util.ArrayList<>(spec.baseLabelsFromPath().values());
    paths.add(spec.path());
    boolean fromRoot = spec.path().isEmpty();
    for (List<String> p : paths) {
      if (p.isEmpty() || p.get(0).equals("data") || p.get(0).equals("stringData")) {
        refuse(at, problems);
        return;
      }
    }
    if (fromRoot) {
      for (List<String> p : spec.labelsFromPath().values()) {
        if (p.isEmpty() || p.get(0).equals("data") || p.get(0).equals("stringData")) {
          refuse(at, problems);
          return;
        }
      }
    }
  }

  private static void refuse(Position at, Problems problems) {
    problems.add(at, "reads the data of Secrets: refused. kube-state-otel exports the state of objects, never"
        + " credentials; read only metadata (metadata.name, metadata.labels, type) of Secrets");
  }
}
