package io.github.gptoss4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gptoss} command: one entry point for generation and the tool commands. */
@Command(
    name = "gptoss",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
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

  /** {@code --version}: the project version, filtered into {@code version.properties} by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          throw new IOException("version.properties is missing from the gptoss jar");
        }
        properties.load(in);
      }
      return new String[] {"gptoss4j " + properties.getProperty("version"), "Java " + Runtime.version()};
    }
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through it without exiting the JVM. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand("completion", new AutoComplete.GenerateCompletion());
    cli.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false)
        .description("Print a bash/zsh completion script: source <(gptoss completion)");
    cli.setExecutionExceptionHandler(Main::reportError);
    cli.setParameterExceptionHandler(Main::reportUsageError);
    return cli;
  }

  /** A usage error is the one-line error and where the help is, not the whole usage. */
  private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String path = cmd.getCommandSpec().qualifiedName();
    cmd.getErr().println(path + ": " + e.getMessage());
    cmd.getErr().println("Try '" + path + " --help' for more information.");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
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
