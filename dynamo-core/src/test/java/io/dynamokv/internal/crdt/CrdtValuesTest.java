package io.dynamokv.internal.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import org.junit.jupiter.api.Test;

/** A key's state is read from its siblings' values in place; a value of another type is named, not misread. */
class CrdtValuesTest {

  private static final ActorId ACTOR = ActorId.of(NodeId.of("n1"), 1);

  private static VersionSet holding(byte[] value) {
    return VersionSet.EMPTY.put(VersionSet.EMPTY.context(), ACTOR, value, 1);
  }

  @Test
  void aStateIsReadFromTheValueAndTheValueIsLeftAsItWas() {
    VersionSet counted = CrdtValues.apply(VersionSet.EMPTY, CrdtValues.increment(5), ACTOR, 1, 0, 1 << 20);
    byte[] before = counted.values().get(0).value();
    CounterState state = (CounterState) CrdtValues.stateOf(counted, CrdtValues.Type.COUNTER, "key", CounterState.EMPTY);
    assertThat(state.value()).isEqualTo(5);
    assertThat(counted.values().get(0).value()).isEqualTo(before);
  }

  @Test
  void aValueOfAnotherTypeOrNoneIsRefusedByName() {
    VersionSet counted = CrdtValues.apply(VersionSet.EMPTY, CrdtValues.increment(5), ACTOR, 1, 0, 1 << 20);
    assertThatThrownBy(() -> CrdtValues.stateOf(counted, CrdtValues.Type.MAP, "key k", MapState.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key k holds a value that is not a map (tag 1) (expected: a map; a key holds one type)");
    assertThatThrownBy(() -> CrdtValues.stateOf(holding(new byte[0]), CrdtValues.Type.MAP, "key k", MapState.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key k holds an empty value (expected: a map; a key holds one type)");
  }
}
