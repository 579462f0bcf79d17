package io.github.gptoss4j.cli;

/** A usage error the CLI reports as one line, without a stack trace. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
