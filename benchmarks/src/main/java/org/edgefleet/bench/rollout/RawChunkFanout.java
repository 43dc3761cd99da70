package org.edgefleet.bench.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.mqtt.PahoClients;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;

/**
 * The rollout benchmark's baselines: the broker moving the same chunk frames with nothing else in
 * the way, per device ({@link #run}) and as one broadcast ({@link #broadcast}). Per device: N raw
 * Paho subscribers, one per device id, each on its own chunk topic; one publisher
 * (logged in as the server) sends every frame to every device at QoS 1 with the server's flow
 * limits: at most {@code perDevice} frames unacknowledged per device and {@code total} overall,
 * devices served round-robin. Timed from the first publish until every subscriber has every frame.
 */
final class RawChunkFanout {

  /** Flow limits, as the server's transfer service applies them. */
  record Window(int total, int perDevice) {}

  /**
   * One raw broadcast: its time, or, when the broker dropped frames for some subscribers (an
   * unpaced broadcast can overflow its session queues), how many of the frames arrived.
   */
  record BroadcastRun(Duration time, long delivered, long expected) {

    boolean complete() {
      return delivered == expected;
    }

    String describe() {
      return complete() ? time.toMillis() + " ms" : "incomplete, " + delivered + " of " + expected + " frames delivered";
    }
  }

  // A fan-out that moves nothing for this long has stalled (frames lost on the way), not slowed down.
  private static final Duration STALL = Duration.ofSeconds(30);

  private final String brokerUrl;
  private final String serverUser;
  private final String serverPassword;
  private final Topics topics;

  RawChunkFanout(String brokerUrl, String serverUser, String serverPassword, Topics topics) {
    this.brokerUrl = brokerUrl;
    this.serverUser = serverUser;
    this.serverPassword = serverPassword;
    this.topics = topics;
  }

  /** The frames the server sends for a bundle: every chunk with its frame header, in order. */
  static List<byte[]> frames(Path bundle, int chunkSize) throws IOException {
    BundleRef ref = ChunkPlan.of(bundle, chunkSize);
    byte[] bytes = Files.readAllBytes(bundle);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < ref.chunkHashes().size(); i++) {
      int from = i * chunkSize;
      byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkSize));
      frames.add(new ChunkMessage(ref.digest(), i, chunk).encode());
    }
    return frames;
  }

  Duration run(String idPrefix, int devices, List<byte[]> frames, Window window, Duration timeout) throws Exception {
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    List<MqttAsyncClient> clients = new ArrayList<>();
    try {
      CountDownLatch complete = new CountDownLatch(devices);
      AtomicLong received = new AtomicLong();
      List<String> ids = ids(idPrefix, devices);
      clients.addAll(PahoClients.connectDevices(brokerUrl, ids, 10, pings));
      List<String> chunkTopics = ids.stream().map(id -> topics.topic(id, TopicKind.BUNDLE_CHUNK)).toList();
      subscribeAll(clients, chunkTopics, frames.size(), complete, received);
      MqttAsyncClient publisher = PahoClients.connect(brokerUrl, idPrefix + "-publisher", serverUser, serverPassword,
          window.total() + 16, pings);
      clients.add(publisher);
      Progress.log(RolloutBenchmark.NAME, devices + " raw subscribers connected");
      long start = System.nanoTime();
      publishAll(publisher, chunkTopics, frames, window, timeout);
      long all = (long) devices * frames.size();
      // A duplicate delivery must not pass for a missing one: done is when every subscriber has all frames.
      Poll.untilReached("raw fan-out: every subscriber to receive every frame", all, timeout, STALL, Duration.ofMillis(5),
          () -> complete.getCount() == 0 ? all : Math.min(received.get(), all - 1));
      return Duration.ofNanos(System.nanoTime() - start);
    } finally {
      clients.forEach(PahoClients::closeQuietly);
      pings.shutdownNow();
    }
  }

  /**
   * The broadcast baseline: every frame published once on one topic that all {@code devices}
   * subscribers read, at most {@code inFlight} unacknowledged, as the server's broadcast pass
   * limits itself but without its pacing. Subscribers log in as the server's user: on the embedded
   * broker no device may read a topic that is not its own or its desired bundle's. Timed from the
   * first publish until every subscriber holds every frame.
   */
  BroadcastRun broadcast(String idPrefix, int devices, List<byte[]> frames, int inFlight, Duration timeout) throws Exception {
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    List<MqttAsyncClient> clients = new ArrayList<>();
    try {
      CountDownLatch complete = new CountDownLatch(devices);
      AtomicLong received = new AtomicLong();
      clients.addAll(PahoClients.connectAll(brokerUrl, ids(idPrefix, devices), serverUser, serverPassword, 10, pings));
      String topic = "bench/" + idPrefix + "/broadcast";
      subscribeAll(clients, Collections.nCopies(devices, topic), frames.size(), complete, received);
      MqttAsyncClient publisher = PahoClients.connect(brokerUrl, idPrefix + "-publisher", serverUser, serverPassword,
          inFlight + 16, pings);
      clients.add(publisher);
      Progress.log(RolloutBenchmark.NAME, devices + " raw broadcast subscribers connected");
      long start = System.nanoTime();
      Semaphore unacknowledged = new Semaphore(inFlight);
      for (byte[] frame : frames) {
        if (!unacknowledged.tryAcquire(STALL.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new TimeoutException("raw broadcast: the broker acknowledged nothing for " + STALL.toSeconds() + " s");
        }
        MqttMessage m = new MqttMessage(frame);
        m.setQos(1);
        publisher.publish(topic, m, null, new IMqttActionListener() {
          @Override
          public void onSuccess(IMqttToken token) {
            unacknowledged.release();
          }

          @Override
          public void onFailure(IMqttToken token, Throwable e) {
            unacknowledged.release(); // the frame is then missing, and the wait below fails saying so
          }
        });
      }
      long all = (long) devices * frames.size();
      try {
        Poll.untilReached("raw broadcast: every subscriber to receive every frame", all, timeout, STALL, Duration.ofMillis(5),
            () -> complete.getCount() == 0 ? all : Math.min(received.get(), all - 1));
      } catch (TimeoutException e) {
        Progress.log(RolloutBenchmark.NAME, devices + " devices: " + e.getMessage());
        return new BroadcastRun(null, Math.min(received.get(), all - 1), all);
      }
      return new BroadcastRun(Duration.ofNanos(System.nanoTime() - start), all, all);
    } finally {
      clients.forEach(PahoClients::closeQuietly);
      pings.shutdownNow();
    }
  }

  private static List<String> ids(String idPrefix, int devices) {
    List<String> ids = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      ids.add(String.format("%s-%04d", idPrefix, d));
    }
    return ids;
  }

  /** Subscribes client i to topic i, each counting its frames, and waits until the broker granted every subscription. */
  private static void subscribeAll(List<MqttAsyncClient> clients, List<String> topicPerClient, int frames,
      CountDownLatch complete, AtomicLong received) throws Exception {
    List<IMqttToken> subscribing = new ArrayList<>();
    for (int d = 0; d < topicPerClient.size(); d++) {
      clients.get(d).setCallback(new Receiver(frames, complete, received));
      subscribing.add(clients.get(d).subscribe(topicPerClient.get(d), 1));
    }
    for (IMqttToken t : subscribing) {
      t.waitForCompletion(30_000);
    }
  }

  /**
   * Each device starts with {@code perDevice} send tokens in one FIFO queue; a token comes back when
   * the broker acknowledges that device's frame. Taking tokens in queue order serves devices
   * round-robin; the total semaphore bounds what is unacknowledged overall.
   */
  private static void publishAll(MqttAsyncClient publisher, List<String> chunkTopics, List<byte[]> frames, Window window,
      Duration timeout) throws Exception {
    int devices = chunkTopics.size();
    LinkedBlockingQueue<Integer> tokens = new LinkedBlockingQueue<>();
    for (int t = 0; t < window.perDevice(); t++) {
      for (int d = 0; d < devices; d++) {
        tokens.add(d);
      }
    }
    Semaphore unacknowledged = new Semaphore(window.total());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    IMqttActionListener acknowledged = new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        unacknowledged.release();
        tokens.add((Integer) token.getUserContext());
      }

      @Override
      public void onFailure(IMqttToken token, Throwable e) {
        failure.compareAndSet(null, e);
        unacknowledged.release();
      }
    };
    int[] next = new int[devices];
    long remaining = (long) devices * frames.size();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (remaining > 0) {
      Integer d = tokens.poll(STALL.toMillis(), TimeUnit.MILLISECONDS);
      if (failure.get() != null) {
        throw new IllegalStateException("raw fan-out: a publish failed: " + failure.get(), failure.get());
      }
      if (d == null || !unacknowledged.tryAcquire(STALL.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("raw fan-out: the broker acknowledged nothing for " + STALL.toSeconds() + " s, "
            + remaining + " frames unsent");
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("raw fan-out: " + remaining + " frames still unsent after " + timeout.toSeconds() + " s");
      }
      if (next[d] >= frames.size()) {
        unacknowledged.release();
        continue;
      }
      MqttMessage m = new MqttMessage(frames.get(next[d]++));
      m.setQos(1);
      publisher.publish(chunkTopics.get(d), m, d, acknowledged);
      remaining--;
    }
  }

  /** Counts one subscriber's frames; the latch counts down once it holds them all. */
  private static final class Receiver implements MqttCallback {
    private final int expected;
    private final CountDownLatch complete;
    private final AtomicLong allReceived;
    private final AtomicInteger received = new AtomicInteger();

    Receiver(int expected, CountDownLatch complete, AtomicLong allReceived) {
      this.expected = expected;
      this.complete = complete;
      this.allReceived = allReceived;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      allReceived.incrementAndGet();
      if (received.incrementAndGet() == expected) {
        complete.countDown();
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      // The wait then stalls and fails, saying how many frames arrived.
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Subscribers publish nothing.
    }
  }
}
