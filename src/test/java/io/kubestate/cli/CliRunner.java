package io.kubestate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what a user would see. */
final class CliRunner {
  record Result(int exitCode, String out, String err) {}

  private CliRunner() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(Main.defaultToRun(args));
    return new Result(code, out.toString(), err.toString());
  }
}
