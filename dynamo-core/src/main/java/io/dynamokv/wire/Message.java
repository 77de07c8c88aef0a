package io.dynamokv.wire;

/**
 * A request or a reply exchanged between nodes. Messages are immutable records; a transport
 * carries them as they are (the simulated network) or as bytes (a socket transport, through the
 * protocol codec of this package).
 */
public interface Message {}
