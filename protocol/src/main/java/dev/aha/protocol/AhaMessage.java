package dev.aha.protocol;

/**
 * Marker of every message that may cross a process boundary. The Kryo serializer is bound to this interface, and
 * Java serialization is off, so a cross-node message that does not implement it fails loudly instead of silently
 * taking a slow path.
 */
public interface AhaMessage {}
