package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/** What a rollout receives from other nodes. */
public interface RolloutMessage extends AhaMessage {}
