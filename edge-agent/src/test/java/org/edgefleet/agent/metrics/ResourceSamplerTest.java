package org.edgefleet.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefleet.protocol.message.TelemetryBatch.ResourceUsage;
import org.junit.jupiter.api.Test;

/** Readings telemetry would refuse are left out one by one, never failing the whole sample. */
class ResourceSamplerTest {

  @Test
  void implausibleReadingsAreLeftOutAndTheRestKept() {
    // A heap that grew between the two reads gives a negative difference (seen with 1,000 agents in one JVM).
    ResourceUsage u = ResourceSampler.usage(0.5, 2_685_538_304L, -357_896_160L, 2000.0);
    assertThat(u.cpuLoad()).isEqualTo(0.5);
    assertThat(u.rssBytes()).isEqualTo(2_685_538_304L);
    assertThat(u.heapUsedBytes()).isNull();
    assertThat(u.temperatureC()).isNull();

    ResourceUsage odd = ResourceSampler.usage(Double.NaN, -1L, 10L, -300.0);
    assertThat(odd.cpuLoad()).isNull();
    assertThat(odd.rssBytes()).isNull();
    assertThat(odd.heapUsedBytes()).isEqualTo(10L);
    assertThat(odd.temperatureC()).isNull();
  }

  @Test
  void aRealSampleOfThisProcessIsAccepted() {
    ResourceSampler sampler = new ResourceSampler();
    sampler.sample();
    ResourceUsage u = sampler.sample();
    assertThat(u.heapUsedBytes()).isNotNull().isPositive();
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(u.rssBytes()).isNotNull().isPositive();
    }
  }
}
