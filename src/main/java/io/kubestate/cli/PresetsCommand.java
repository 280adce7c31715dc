package io.kubestate.cli;

import io.kubestate.config.Presets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "presets", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "List the built-in presets, one per line.")
final class PresetsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var presets = Presets.list();
    int width = presets.stream().mapToInt(p -> p.name().length()).max().orElse(0);
    for (Presets.Preset p : presets) {
      out.println(String.format("%-" + width + "s  %s", p.name(), p.description()));
    }
    out.flush();
    return 0;
  }
}
