package org.edgefleet.sim;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.edgefleet.fault.MqttFaultProxy;

/**
 * A flapping link between one device and the broker: a loopback relay the device connects through,
 * cut (every connection dropped, none accepted) for {@code flapDown} after every {@code flapUp}
 * connected, once the faults begin. Real disconnects, so the broker's session, the device's
 * reconnects and its outbox do what they do on a bad network.
 */
final class FlappingLink implements AutoCloseable {

  private final MqttFaultProxy proxy;
  private final ScheduledFuture<?> flapping;

  private FlappingLink(MqttFaultProxy proxy, Faults faults, ScheduledExecutorService timer) {
    this.proxy = proxy;
    long up = faults.flapUp().toMillis();
    long period = up + faults.flapDown().toMillis();
    this.flapping = timer.scheduleAtFixedRate(() -> {
      if (faults.active()) {
        proxy.cut();
        timer.schedule(proxy::open, faults.flapDown().toMillis(), TimeUnit.MILLISECONDS);
      }
    }, up, period, TimeUnit.MILLISECONDS);
  }

  /** A link to the broker at {@code brokerUrl} (on this machine); devices connect to {@link #url()}. */
  static FlappingLink to(String brokerUrl, Faults faults, ScheduledExecutorService timer) throws IOException {
    URI broker = URI.create(brokerUrl);
    if (broker.getPort() < 0) {
      throw new IllegalArgumentException("a flapping link needs the broker URL's port, e.g. tcp://127.0.0.1:1883, was " + brokerUrl);
    }
    return new FlappingLink(MqttFaultProxy.start(broker.getPort()), faults, timer);
  }

  String url() {
    return proxy.url();
  }

  @Override
  public void close() {
    flapping.cancel(false);
    proxy.close();
  }
}
