package io.dynamokv.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every buffer leak Netty's detector reports (paranoid level in this module's tests),
 * so a test can fail on one instead of a line in a log nobody reads. Install before any buffer
 * is allocated: the test classes call {@link #install()} in a static initializer.
 */
final class NettyLeakTracker {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static boolean installed;

  private NettyLeakTracker() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return new ResourceLeakDetector<T>(resource, samplingInterval) {
          @Override
          protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked:" + records);
          }

          @Override
          protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (untraced)");
          }
        };
      }
    });
  }

  /** Collects garbage and makes the detector look at what was collected; returns the leaks found. */
  static List<String> collectLeaks() {
    for (int i = 0; i < 5; i++) {
      System.gc();
      // The detector reports collected leaks when it tracks a new buffer.
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
        b.release();
      }
    }
    return List.copyOf(LEAKS);
  }
}
