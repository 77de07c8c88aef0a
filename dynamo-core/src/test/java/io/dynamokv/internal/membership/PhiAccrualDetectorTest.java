package io.dynamokv.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {

  private static final NodeId PEER = NodeId.of("peer");
  private final PhiAccrualDetector detector = new PhiAccrualDetector(8, 1000);

  @Test
  void aPeerHeartbeatingOnTimeIsNotSuspectedAndOneThatStopsIs() {
    for (long t = 0; t <= 10_000; t += 1000) {
      detector.heartbeat(PEER, t);
    }
    assertThat(detector.isConvicted(PEER, 11_000)).isFalse();
    assertThat(detector.phi(PEER, 12_000)).isLessThan(1);
    assertThat(detector.isConvicted(PEER, 10_000 + 60_000)).isTrue();
  }

  /** Issue #23, item 6: a founder that never starts was reported reachable, with phi 0, forever. */
  @Test
  void aPeerNeverHeardFromIsConvictedWithinABoundedTime() {
    assertThat(detector.phi(PEER, 5_000)).isZero();
    assertThat(detector.isConvicted(PEER, 10_000)).isFalse();
    // Watched from 5 s on, with the prior mean of two gossip intervals: phi 8 after 8 x ln 10 x 2 s.
    assertThat(detector.phi(PEER, 5_000 + 30_000)).isGreaterThan(6);
    assertThat(detector.isConvicted(PEER, 5_000 + 40_000)).isTrue();
  }

  @Test
  void theWaitBeforeAPeerIsFirstHeardIsNotOneOfItsIntervals() {
    detector.phi(PEER, 0);
    detector.heartbeat(PEER, 50_000);
    for (long t = 51_000; t <= 54_000; t += 1000) {
      detector.heartbeat(PEER, t);
    }
    // With the 50 s wait counted as an interval, the mean would be 10.8 s and phi at 10 s of
    // silence under 0.5; with intervals of 1 s it is over 4.
    assertThat(detector.phi(PEER, 64_000)).isGreaterThan(4);
  }

  @Test
  void aForgottenPeerIsWatchedAfresh() {
    detector.heartbeat(PEER, 0);
    detector.forget(PEER);
    assertThat(detector.phi(PEER, 100_000)).isZero();
    assertThat(detector.isConvicted(PEER, 100_000 + 40_000)).isTrue();
  }
}
