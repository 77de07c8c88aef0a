package io.dynamokv.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every setting of the transport's configuration: bad values named, set once, rules between settings. */
class NettyTransportConfigTest {

  private static NettyTransportConfig.Builder builder() {
    return NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0));
  }

  @Test
  void badValuesAreRejectedWithTheValue() {
    assertThatThrownBy(() -> NettyTransportConfig.newBuilder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder().maxFrameBytes(100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFrameBytes : 100 (expected: >= 1024)");
    assertThatThrownBy(() -> builder().connectTimeout(Duration.ZERO)).hasMessage("connectTimeout : PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder().reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("reconnectBackoffMin : PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder().ioThreads(0)).hasMessage("ioThreads : 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder().handlerThreads(0)).hasMessage("handlerThreads : 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder().writeBufferWatermarks(0, 10)).hasMessage("writeBufferLowBytes : 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder().handlerExecutor(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder().tls(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void settingsBetweenThemselvesAreChecked() {
    assertThatThrownBy(() -> builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessage("reconnectBackoffMax : PT1S (expected: >= reconnectBackoffMin = PT2S)");
    assertThatThrownBy(() -> builder().writeBufferWatermarks(100, 10).build())
        .hasMessage("writeBufferHighBytes : 10 (expected: >= writeBufferLowBytes = 100)");
  }

  @Test
  void settingsAreSetOnce() {
    assertThatThrownBy(() -> builder().ioThreads(1).ioThreads(2)).isInstanceOf(IllegalStateException.class)
        .hasMessage("ioThreads was already set to 1");
    NettyTransportConfig defaults = builder().build();
    assertThat(defaults.maxFrameBytes()).isEqualTo(NettyTransportConfig.DEFAULT_MAX_FRAME_BYTES);
    assertThat(defaults.tls()).isEmpty();
  }

  @Test
  void aNodeGetsAnIoThreadPerCoreAndAClientOne() {
    assertThat(builder().build().ioThreads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
    assertThat(NettyTransportConfig.newClientBuilder().build().ioThreads()).isEqualTo(1);
    assertThat(NettyTransportConfig.newClientBuilder().ioThreads(3).build().ioThreads()).isEqualTo(3);
  }
}
