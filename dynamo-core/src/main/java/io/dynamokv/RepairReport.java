package io.dynamokv;

/**
 * What one anti-entropy pass of a node did ({@link DynamoNode#repairAsync()}).
 *
 * @param exchanges Merkle-tree exchanges with other replicas, one per store, partition and peer
 * @param partitionsInSync exchanges that found the two replicas equal
 * @param segmentsDiffering Merkle leaves (segments) that differed, summed over the exchanges
 * @param keysReceived keys this node took from its peers
 * @param keysSent keys this node sent to its peers
 * @param keysTransferred keys moved either way ({@code keysReceived + keysSent})
 * @param tombstonesCollected deletions removed for good, once every replica held them
 * @param exchangesSkipped exchanges not run because their peer was down, or failed an earlier
 *     exchange of the pass (it stopped, or is cut off)
 */
public record RepairReport(int exchanges, int partitionsInSync, int segmentsDiffering, long keysReceived,
    long keysSent, long keysTransferred, long tombstonesCollected, int exchangesSkipped) {}
