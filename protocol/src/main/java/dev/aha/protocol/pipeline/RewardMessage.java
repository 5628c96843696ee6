package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/** What a reward actor receives from other nodes. */
public interface RewardMessage extends AhaMessage {}
