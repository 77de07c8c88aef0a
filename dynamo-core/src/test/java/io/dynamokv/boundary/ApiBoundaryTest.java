package io.dynamokv.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.DynamoNode;
import io.dynamokv.internal.ring.Ring;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API boundary of dynamo-core: no exported type's public signature names an internal type. */
class ApiBoundaryTest {

  @Test
  void exportedTypesNameOnlyExportedTypes() throws URISyntaxException {
    Path classes = Path.of(DynamoNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(ApiBoundary.exportedTypes(classes, ApiBoundary.CORE_EXPORTS)).hasSizeGreaterThan(40);
    assertThat(ApiBoundary.leaks(classes, ApiBoundary.CORE_EXPORTS)).isEmpty();
  }

  /** A type with an internal type in each place a signature can hold one. */
  public static class Leaky {
    public Ring field;

    public Leaky(Ring ring) {}

    public Optional<List<Ring>> nested() {
      return Optional.empty();
    }

    protected <T extends Ring> void bounded(T ring) {}

    public Ring[] array() {
      return new Ring[0];
    }
  }

  @Test
  void theCheckFindsInternalTypesWhereverTheyStand() {
    List<String> leaks = ApiBoundary.leaksOf(Leaky.class, t -> !t.getName().startsWith("io.dynamokv.internal."));
    assertThat(leaks).containsExactlyInAnyOrder(
        Leaky.class.getName() + ".field names " + Ring.class.getName(),
        Leaky.class.getName() + "(constructor) takes names " + Ring.class.getName(),
        Leaky.class.getName() + ".nested() returns names " + Ring.class.getName(),
        Leaky.class.getName() + ".bounded<T> names " + Ring.class.getName(),
        Leaky.class.getName() + ".bounded() takes names " + Ring.class.getName(),
        Leaky.class.getName() + ".array() returns names " + Ring.class.getName());
  }
}
