package io.dynamokv.internal.antientropy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MerkleTreeTest {

  @Property
  void theDiffIsExactlyTheChangedLeaves(
      @ForAll @Size(256) long[] leaves, @ForAll @Size(max = 20) Set<@IntRange(min = 0, max = 255) Integer> changed) {
    long[] other = leaves.clone();
    for (int s : changed) {
      other[s] ^= 0x5DEECE66DL + s;
    }
    MerkleTree a = MerkleTree.of(leaves);
    MerkleTree b = MerkleTree.of(other);
    assertThat(a.differingSegments(b)).containsExactlyElementsOf(new TreeSet<>(changed));
    assertThat(a.root() == b.root()).isEqualTo(changed.isEmpty());
  }
}
