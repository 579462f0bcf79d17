package io.github.gptoss4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gptoss} command: one entry point for generation and the tool commands. */
@Command(
    name = "gptoss",
    mixinStandardHelpOptions = true,
    version = "gptoss4j 0.1.0-SNAPSHOT",
    description = "Pure-Java inference for OpenAI's gpt-oss models.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through it without exiting the JVM. */
  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
