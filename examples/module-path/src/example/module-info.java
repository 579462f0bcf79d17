/** A modular application using gptoss4j's Generator API from the module path. */
module example {
  requires io.github.gptoss4j.core;
}
