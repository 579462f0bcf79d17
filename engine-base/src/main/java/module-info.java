/** The types every gptoss4j module shares: {@link io.github.gptoss4j.GptOssException} and the model options' enums. */
module io.github.gptoss4j.base {
  exports io.github.gptoss4j;
}
