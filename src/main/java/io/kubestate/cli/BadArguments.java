package io.kubestate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A mistyped option or value is said in a line or two, with where to look, instead of the
 * command's whole usage (some fifty lines for {@code run}) under it.
 */
final class BadArguments implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(e.getMessage());
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("`" + cl.getCommandSpec().qualifiedName() + " --help` lists the options.");
    }
    err.flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }
}
