package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;

/** One call the policy wrote: the tool's name and its arguments, a JSON object. */
public record ToolCall(String name, JsonNode arguments) {}
