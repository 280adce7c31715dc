package io.kubestate.cli;

import java.net.BindException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * What a command that failed tells its user: one or two lines saying what is wrong and how to fix
 * it, and an exit code that says which kind of failure it was, rather than a stack trace (printed
 * only when {@value #DEBUG} is set, for a bug report).
 *
 * <p>Exit codes: 2 for input the user can correct (a flag's value, a config, a kubeconfig), 1 for a
 * start that failed otherwise (a port in use, a server that cannot be reached).
 */
final class UserErrors implements IExecutionExceptionHandler {
  static final String DEBUG = "KUBE_STATE_OTEL_DEBUG";
  static final int CANNOT_START = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    var err = command.getErr();
    if (debug()) {
      e.printStackTrace(err);
    }
    BindException bind = find(e, BindException.class);
    if (bind != null) {
      err.println(firstLine(e) + ": " + bind.getMessage().toLowerCase(Locale.ROOT) + ".");
      err.println("Another process listens there: stop it, or choose another port with --metrics-port (the metrics"
          + " endpoint) or --telemetry-port (health and readiness).");
      err.flush();
      return CANNOT_START;
    }
    if (e instanceof IllegalArgumentException) {
      err.println(e.getMessage());
      err.println("See `kube-state-otel " + command.getCommandName() + " --help`.");
      err.flush();
      return ValidateCommand.INVALID;
    }
    err.println("cannot " + command.getCommandName() + ": " + firstLine(e));
    if (!debug()) {
      err.println("Set " + DEBUG + "=true to print the stack trace.");
    }
    err.flush();
    return CANNOT_START;
  }

  private static boolean debug() {
    return Boolean.parseBoolean(System.getenv(DEBUG));
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
