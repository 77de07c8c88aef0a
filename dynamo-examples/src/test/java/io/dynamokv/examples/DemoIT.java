package io.dynamokv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo runs to the end and tells the whole story. */
class DemoIT {

  @Test
  void theDemoTellsTheCartStoryAndConverges() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String story = captured.toString(StandardCharsets.UTF_8);
    original.print(story);
    assertThat(story)
        .contains("holds a hint for")
        .contains("sees 2 sibling(s)")
        .contains("joins them: [apples, bread, coffee, eggs, milk]")
        .contains("delivered")
        .contains("All three replicas hold the same version set.")
        .contains("both sides read [eggs, milk, tea]");
  }
}
