package org.edgefleet.protocol.mqtt;

/** The topics of one device's subtree, with their path below {@code {prefix}/d/{id}/}. */
public enum TopicKind {
  DESIRED("desired", false),
  REPORTED("reported", true),
  EVENTS("events", true),
  TELEMETRY("telemetry", true),
  SAMPLES("samples", true),
  BUNDLE_REQUEST("bundle/req", true),
  BUNDLE_CHUNK("bundle/chunk", false),
  STATUS("status", true);

  private final String path;
  private final boolean fromDevice;

  TopicKind(String path, boolean fromDevice) {
    this.path = path;
    this.fromDevice = fromDevice;
  }

  public String path() {
    return path;
  }

  /** Whether the device publishes on this topic (else the server does). */
  public boolean fromDevice() {
    return fromDevice;
  }
}
