package io.kubestate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kube-state-otel} command line. Without a subcommand it runs the exporter. */
@Command(
    name = "kube-state-otel",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Metrics on the state of Kubernetes resources, built-in and custom, through OpenTelemetry (OTLP) "
        + "and a Prometheus endpoint.",
    footer = {"", "Run `kube-state-otel COMMAND --help` (or `help COMMAND`) for the options of a command; options"
        + " given without a command go to `run`."},
    subcommands = {RunCommand.class, RenderCommand.class, ValidateCommand.class, PresetsCommand.class,
        MetricsDocCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    Logging.configure();
    System.exit(commandLine().execute(defaultToRun(args)));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new UserErrors()).setParameterExceptionHandler(new BadArguments())
        .registerConverter(java.time.Duration.class, new DurationConverter());
  }

  /** {@code run} is the default: plain options go to it. */
  static String[] defaultToRun(String[] args) {
    CommandLine cl = commandLine();
    if (args.length > 0 && (cl.getSubcommands().containsKey(args[0])
        || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("-V") || args[0].equals("--version"))) {
      return args;
    }
    String[] out = new String[args.length + 1];
    out[0] = "run";
    System.arraycopy(args, 0, out, 1, args.length);
    return out;
  }
}
