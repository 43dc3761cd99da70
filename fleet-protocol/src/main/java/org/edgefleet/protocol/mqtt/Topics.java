package org.edgefleet.protocol.mqtt;

import java.util.Optional;
import java.util.regex.Pattern;
import org.edgefleet.protocol.trust.Hex;

/**
 * Topic names of the fleet, under a configurable prefix (default {@value #DEFAULT_PREFIX}):
 * {@code {prefix}/d/{deviceId}/{kind}}. A device id can never contain a wildcard or a slash,
 * so a device cannot name another device's subtree. A bundle's broadcast topic is
 * {@code {prefix}/b/{digest}/chunk}, the digest in lower-case hex: it cannot hold a wildcard either.
 */
public final class Topics {

  public static final String DEFAULT_PREFIX = "fleet";
  private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private final String prefix;
  private final String devicesRoot;
  private final String bundlesRoot;
  private static final String BUNDLE_CHUNKS = "/chunk";

  public Topics(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("topic prefix '" + prefix + "' must be plain topic levels without wildcards");
    }
    this.prefix = prefix;
    this.devicesRoot = prefix + "/d/";
    this.bundlesRoot = prefix + "/b/";
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  public static boolean isValidDeviceId(String id) {
    return id != null && DEVICE_ID.matcher(id).matches();
  }

  public static String requireDeviceId(String id) {
    if (!isValidDeviceId(id)) {
      throw new IllegalArgumentException("device id '" + id
          + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return id;
  }

  public String prefix() {
    return prefix;
  }

  public String topic(String deviceId, TopicKind kind) {
    return devicesRoot + requireDeviceId(deviceId) + "/" + kind.path();
  }

  /** The filter matching this kind of topic for every device: {@code fleet/d/+/telemetry}. */
  public String allDevices(TopicKind kind) {
    return devicesRoot + "+/" + kind.path();
  }

  /** The filter for one device's whole subtree: {@code fleet/d/{id}/#}. */
  public String deviceSubtree(String deviceId) {
    return devicesRoot + requireDeviceId(deviceId) + "/#";
  }

  /** Where the server broadcasts the chunks of the bundle with this digest: {@code fleet/b/{digest}/chunk}. */
  public String bundleChunks(String digest) {
    if (!Hex.isSha256(digest)) {
      throw new IllegalArgumentException("bundle digest '" + digest + "' must be a lower-case hex SHA-256");
    }
    return bundlesRoot + digest + BUNDLE_CHUNKS;
  }

  /** The digest of a bundle broadcast topic, or empty when the topic is not one (a filter with wildcards never is). */
  public Optional<String> parseBundleChunks(String topic) {
    if (topic == null || !topic.startsWith(bundlesRoot) || !topic.endsWith(BUNDLE_CHUNKS)) {
      return Optional.empty();
    }
    String digest = topic.substring(bundlesRoot.length(), topic.length() - BUNDLE_CHUNKS.length());
    return Hex.isSha256(digest) ? Optional.of(digest) : Optional.empty();
  }

  /** Which device and kind a topic is, or empty when it is not a fleet device topic. */
  public Optional<DeviceTopic> parse(String topic) {
    if (topic == null || !topic.startsWith(devicesRoot)) {
      return Optional.empty();
    }
    String rest = topic.substring(devicesRoot.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String id = rest.substring(0, slash);
    String path = rest.substring(slash + 1);
    if (!isValidDeviceId(id)) {
      return Optional.empty();
    }
    for (TopicKind kind : TopicKind.values()) {
      if (kind.path().equals(path)) {
        return Optional.of(new DeviceTopic(id, kind));
      }
    }
    return Optional.empty();
  }

  /** A parsed device topic. */
  public record DeviceTopic(String deviceId, TopicKind kind) {}
}
