package dev.aha.runtime.agent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One tool call from the policy's text to the result it sees: parsed in the model's format, run on the environment
 * pool under the call's time limit, its output checked. Whatever goes wrong becomes this call's {@link ToolError} and
 * a one-line result saying so; the episode goes on.
 */
final class ToolRun {

    /** What the policy is shown for a call, and the error it counts as (null when it worked). */
    record Result(String content, ToolError error) {}

    private ToolRun() {}

    static CompletableFuture<Result> run(String callText, Tool[] tools, TurnFormat format, AgentSettings settings,
            EnvironmentPool pool) {
        ToolCall call;
        try {
            call = format.parse(callText, tools);
        } catch (MalformedCallException e) {
            return CompletableFuture.completedFuture(new Result("error: " + e.getMessage(), ToolError.MALFORMED));
        }
        Tool tool = settings.tools() ? find(tools, call.name()) : null;
        if (tool == null) {
            String why = settings.tools() ? "no tool named '" + CompactTurnFormat.abbreviate(call.name()) + "'"
                    : "tools are off";
            return CompletableFuture.completedFuture(new Result("error: " + why, ToolError.UNKNOWN_TOOL));
        }
        return pool.submit(() -> tool.call(call.arguments()), settings.callTimeout())
                .handle((output, failure) -> failure == null ? checked(output, format, settings)
                        : failed(EpisodePartner.cause(failure), settings));
    }

    private static Tool find(Tool[] tools, String name) {
        for (Tool t : tools) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The output as shown: cut to the limit, and never one that holds a call (an observation cannot call tools). */
    private static Result checked(String output, TurnFormat format, AgentSettings settings) {
        String text = output == null ? "" : output;
        if (format.containsCall(text)) {
            return new Result("error: the tool's output held a tool call and is not shown", ToolError.CALL_IN_OUTPUT);
        }
        if (text.length() > settings.maxOutputChars()) {
            return new Result(text.substring(0, settings.maxOutputChars()) + " ... (cut at "
                    + settings.maxOutputChars() + " characters)", ToolError.OVERSIZED);
        }
        return new Result(text, null);
    }

    private static Result failed(Throwable cause, AgentSettings settings) {
        if (cause instanceof TimeoutException) {
            return new Result("error: the call took longer than " + settings.callTimeout().toMillis() + " ms",
                    ToolError.TIMEOUT);
        }
        if (cause instanceof RejectedExecutionException) {
            return new Result("error: the tools are busy", ToolError.REFUSED);
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new Result("error: " + CompactTurnFormat.abbreviate(message.lines().findFirst().orElse("")),
                ToolError.FAILED);
    }
}
