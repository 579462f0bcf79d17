package io.github.gptoss4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gptoss} command: one entry point for generation and the tool commands. */
@Command(
    name = "gptoss",
    mixinStandardHelpOptions = true,
    version = "gptoss4j 0.1.0-SNAPSHOT",
    description = "Pure-Java inference for OpenAI's gpt-oss models.",
    subcommands = {CommandLine.HelpCommand.class, GenerateCommand.class, ChatCommand.class, LogitsCommand.class, InspectCommand.class, SynthCommand.class, HarmonyCommand.class, BenchCommand.class, TokenizeCommand.class, ServeCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Option(
      names = "--threads",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "N",
      description = "Compute threads (default: available processors).")
  void threads(int threads) {
    if (threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
    }
    System.setProperty("gptoss.threads", Integer.toString(threads));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through it without exiting the JVM. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::reportError);
    return cli;
  }

  /**
   * Errors reach the user as one line naming the command and what went wrong; the stack trace only with
   * {@code GPTOSS_VERBOSE=1} or {@code --verbose} anywhere on the command line.
   */
  private static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println("gptoss " + cmd.getCommandName() + ": " + message);
    if (verbose(parsed)) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    if ("1".equals(System.getenv("GPTOSS_VERBOSE"))) {
      return true;
    }
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
