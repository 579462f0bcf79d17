package io.github.gptoss4j.harmony;

/** One part of a message's content: plain text, or the structured system or developer content. */
public sealed interface Content permits TextContent, SystemContent, DeveloperContent {}
