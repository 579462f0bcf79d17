package io.github.gptoss4j.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.TerminalBuilder;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Where {@code gptoss chat} reads its messages: a line editor on a terminal (JLine: arrow keys, history,
 * Ctrl-C, Ctrl-D), plain lines from piped input otherwise. Either way Ctrl-C during an answer cancels it.
 */
interface ChatInput extends Closeable {

  /** The next message line without its line end, "" after Ctrl-C at the prompt, or null at end of input. */
  String readLine() throws IOException;

  /** Runs {@code answer}; a Ctrl-C meanwhile calls {@code cancel} instead of ending the program. */
  void cancellable(Runnable answer, Runnable cancel);

  /** The line editor on the user's terminal when stdin and stdout are one, else lines of {@code in}. */
  static ChatInput open(InputStream in) throws IOException {
    return Terminal.isTerminal() ? new Editor() : new Piped(in);
  }

  /** JLine on the system terminal. */
  final class Editor implements ChatInput {
    private final org.jline.terminal.Terminal terminal;
    private final LineReader reader;

    Editor() throws IOException {
      terminal = TerminalBuilder.builder().system(true).build();
      reader = LineReaderBuilder.builder().terminal(terminal).appName("gptoss").build();
    }

    @Override
    public String readLine() {
      try {
        return reader.readLine("> ");
      } catch (UserInterruptException e) {
        return ""; // Ctrl-C at the prompt drops the line being typed; the chat goes on
      } catch (EndOfFileException e) {
        terminal.writer().println(); // Ctrl-D: the shell's prompt starts on a line of its own
        terminal.writer().flush();
        return null;
      }
    }

    @Override
    public void cancellable(Runnable answer, Runnable cancel) {
      org.jline.terminal.Terminal.SignalHandler previous =
          terminal.handle(org.jline.terminal.Terminal.Signal.INT, signal -> cancel.run());
      try {
        answer.run();
      } finally {
        terminal.handle(org.jline.terminal.Terminal.Signal.INT, previous);
      }
    }

    @Override
    public void close() throws IOException {
      terminal.close();
    }
  }

  /** Lines of piped input; Ctrl-C through the JVM's SIGINT handler. */
  final class Piped implements ChatInput {
    private final BufferedReader in;

    Piped(InputStream in) {
      this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public String readLine() throws IOException {
      return in.readLine();
    }

    @Override
    public void cancellable(Runnable answer, Runnable cancel) {
      SignalHandler previous = onInterrupt(signal -> cancel.run());
      try {
        answer.run();
      } finally {
        if (previous != null) {
          Signal.handle(new Signal("INT"), previous);
        }
      }
    }

    /** Installs {@code handler} for SIGINT and returns the one it replaces; null where signals are not available. */
    private static SignalHandler onInterrupt(SignalHandler handler) {
      try {
        return Signal.handle(new Signal("INT"), handler);
      } catch (IllegalArgumentException e) {
        return null; // no SIGINT here, or the JVM was started with -Xrs: Ctrl-C keeps its default action
      }
    }

    @Override
    public void close() {
      // System.in stays open: it is the caller's
    }
  }
}
