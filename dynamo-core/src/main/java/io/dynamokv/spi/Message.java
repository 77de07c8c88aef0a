package io.dynamokv.spi;

/**
 * A request or a reply exchanged between nodes, opaque to a {@link Transport}. The core creates
 * and reads messages; a transport carries them, either as they are (an in-process or simulated
 * network) or as bytes, through the core's wire codec (the Netty transport). Messages are
 * immutable, so one may be handed to several threads.
 */
public interface Message {}
