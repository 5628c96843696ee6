package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/** What the dispatcher receives from other nodes. */
public interface DispatcherMessage extends AhaMessage {}
