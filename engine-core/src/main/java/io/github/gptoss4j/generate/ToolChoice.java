package io.github.gptoss4j.generate;

/**
 * Whether and which of the request's function tools the reply must call ({@code tool_choice} in OpenAI's API).
 * Setting one on a request turns on constrained decoding of the reply's structure: a call can only address a
 * declared function, and its arguments are JSON valid under that function's parameters schema.
 */
public sealed interface ToolChoice {

  /**
   * The model answers or calls any declared function; calls are constrained as above.
   *
   * @return the shared {@code auto} choice
   */
  static ToolChoice auto() {
    return Auto.INSTANCE;
  }

  /**
   * The reply must be a call of one of the declared functions (after optional reasoning).
   *
   * @return the shared {@code required} choice
   */
  static ToolChoice required() {
    return Required.INSTANCE;
  }

  /**
   * The reply must answer, calling no function.
   *
   * @return the shared {@code none} choice
   */
  static ToolChoice none() {
    return None.INSTANCE;
  }

  /**
   * The reply must be a call of the declared function {@code name}.
   *
   * @param name the function's name, as given to {@link GenerationRequest.Builder#functionTool}
   * @return a choice forcing a call of that function
   * @throws GenerationException if name is null (that it is declared is checked when the request is built)
   */
  static ToolChoice function(String name) {
    if (name == null) {
      throw new GenerationException("tool choice function name must not be null");
    }
    return new Function(name);
  }

  /** See {@link #auto()}. */
  enum Auto implements ToolChoice {
    /** The only value. */
    INSTANCE
  }

  /** See {@link #required()}. */
  enum Required implements ToolChoice {
    /** The only value. */
    INSTANCE
  }

  /** See {@link #none()}. */
  enum None implements ToolChoice {
    /** The only value. */
    INSTANCE
  }

  /**
   * See {@link #function(String)}.
   *
   * @param name the function that must be called
   */
  record Function(String name) implements ToolChoice {}
}
