package org.edgefleet.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What goes wrong on a simulated device, so that rollouts can be seen to survive it. Every fault
 * but slow hardware waits for {@code from} (a switch the test turns; on from the start by default),
 * so a fleet can settle on a first version before the faults begin; slow hardware is slow always.
 *
 * @param flapUp with {@code flapDown}, a flapping link: connected this long, then cut (no connection
 *     possible) for {@code flapDown}, over and over; null for a steady link
 * @param killedFor the device is killed once, at the first bundle chunk it receives, and started
 *     again from its data directory after this long (null: never killed); from the kill on nothing
 *     reaches it or leaves it, and its agent is closed (which, unlike a power cut, still writes the
 *     last telemetry interval to the on-disk outbox, sent after the restart)
 * @param corruptChunks share (0 to 1) of the bundle chunks it receives whose data is corrupted on
 *     the way, in a well-formed frame: only the bundle's signed chunk hashes can catch it
 * @param dropChunks share (0 to 1) of the bundle chunks sent to it (its own or a broadcast's) that
 *     never arrive: the agent must notice the gap and ask again
 * @param diskFull the data directory's disk has no room left for a download (the agent is told 0
 *     bytes usable)
 * @param slowdown how many times its hardware is slower than the machine's: every inference takes
 *     this many times as long (1: as fast)
 */
public record Faults(Duration flapUp, Duration flapDown, Duration killedFor, double corruptChunks, double dropChunks,
    boolean diskFull, double slowdown, BadModel.Switch from) {

  public static final Faults NONE = new Faults(null, null, null, 0, 0, false, 1, null);

  public Faults {
    if ((flapUp == null) != (flapDown == null)) {
      throw new IllegalArgumentException("a flapping link needs both flapUp and flapDown");
    }
    if (flapUp != null && (flapUp.toMillis() < 10 || flapDown.toMillis() < 10)) {
      throw new IllegalArgumentException("flapUp and flapDown must be at least 10 ms, were " + flapUp + " and " + flapDown);
    }
    if (killedFor != null && killedFor.isNegative()) {
      throw new IllegalArgumentException("killedFor must not be negative, was " + killedFor);
    }
    if (!(corruptChunks >= 0 && corruptChunks <= 1)) {
      throw new IllegalArgumentException("corruptChunks must be a share between 0 and 1, was " + corruptChunks);
    }
    if (!(dropChunks >= 0 && dropChunks <= 1)) {
      throw new IllegalArgumentException("dropChunks must be a share between 0 and 1, was " + dropChunks);
    }
    if (!(slowdown >= 1 && slowdown <= 1000)) {
      throw new IllegalArgumentException("slowdown must be between 1 and 1000, was " + slowdown);
    }
    from = from == null ? new BadModel.Switch(true) : from;
  }

  public Faults flapping(Duration up, Duration down) {
    return new Faults(Objects.requireNonNull(up, "up"), Objects.requireNonNull(down, "down"), killedFor, corruptChunks, dropChunks, diskFull,
        slowdown, from);
  }

  public Faults killedMidDownload(Duration deadFor) {
    return new Faults(flapUp, flapDown, Objects.requireNonNull(deadFor, "deadFor"), corruptChunks, dropChunks, diskFull, slowdown, from);
  }

  public Faults corruptingChunks(double share) {
    return new Faults(flapUp, flapDown, killedFor, share, dropChunks, diskFull, slowdown, from);
  }

  public Faults droppingChunks(double share) {
    return new Faults(flapUp, flapDown, killedFor, corruptChunks, share, diskFull, slowdown, from);
  }

  public Faults fullDisk() {
    return new Faults(flapUp, flapDown, killedFor, corruptChunks, dropChunks, true, slowdown, from);
  }

  public Faults slowHardware(double times) {
    return new Faults(flapUp, flapDown, killedFor, corruptChunks, dropChunks, diskFull, times, from);
  }

  /** The same faults, beginning when {@code on} is turned on. */
  public Faults from(BadModel.Switch on) {
    return new Faults(flapUp, flapDown, killedFor, corruptChunks, dropChunks, diskFull, slowdown, Objects.requireNonNull(on, "switch"));
  }

  boolean flaps() {
    return flapUp != null;
  }

  boolean active() {
    return from.isOn();
  }
}
