package io.dynamokv.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: a restarted node asked every peer for its whole membership, to learn whether one
 * heard of a later run: n answers of n entries, some 70 MB per restart at 1,000 nodes. It asks a
 * bounded random sample now (a later run told every peer of itself at its start).
 */
class RestoreCheckTest {

  @Test
  void aRestartAsksAtMostSixteenPeersAllOfAFewAndDifferentOnesEachTime() {
    Set<Endpoint> few = peers(5);
    assertThat(RestoreCheck.sample(few, new SplittableRandom(1))).containsExactlyElementsOf(few);

    Set<Endpoint> many = peers(1000);
    List<Endpoint> first = RestoreCheck.sample(many, new SplittableRandom(1));
    List<Endpoint> second = RestoreCheck.sample(many, new SplittableRandom(2));
    assertThat(first).hasSize(RestoreCheck.MAX_ASKED).doesNotHaveDuplicates().isSubsetOf(many);
    assertThat(second).hasSize(RestoreCheck.MAX_ASKED).isNotEqualTo(first);
  }

  private static Set<Endpoint> peers(int n) {
    Set<Endpoint> out = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      out.add(Endpoint.of("n" + i, 7000));
    }
    return out;
  }
}
