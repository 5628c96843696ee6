package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A function the policy may call inside an episode. Its calls run on the environment pool, each under
 * aha.agent.call-timeout (the thread is interrupted past it); what it returns is shown to the policy as the call's
 * result, cut at aha.agent.max-output-chars.
 */
public interface Tool {

    /** The name the policy calls it by. */
    String name();

    /** One line for the model: what it does. */
    String description();

    /** JSON Schema of its arguments, an object (as the chat template's {@code tools} show it). */
    Map<String, Object> parameters();

    /** The argument a compact call's text fills ({@code [calculator 2*3]} fills {@code expression}). */
    String primaryArgument();

    /**
     * Runs one call.
     *
     * @param arguments the call's arguments, a JSON object
     * @return the result the policy sees
     * @throws ToolException for a call the tool refuses (bad arguments): the message is shown to the policy
     * @throws Exception for anything else: counted as an error, its message shown
     */
    String call(JsonNode arguments) throws Exception;

    /**
     * The tool as one episode uses it. A tool that remembers something between an episode's calls returns a new
     * instance, so episodes never share that memory; a stateless tool returns itself (the default).
     */
    default Tool forEpisode() {
        return this;
    }

    /** The tool as a chat template's {@code tools} entry: OpenAI's function form. */
    default Map<String, Object> schema() {
        return Map.of("type", "function", "function",
                Map.of("name", name(), "description", description(), "parameters", parameters()));
    }
}
