package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/** What the learner receives from other nodes. */
public interface LearnerMessage extends AhaMessage {}
