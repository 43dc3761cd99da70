package org.edgefleet.server.metrics;

import java.util.Locale;
import org.edgefleet.protocol.message.MessageException;

/** Why a device message was not acted on; the label of the rejected-messages counter. */
public enum RejectReason {
  TOO_LARGE,
  MALFORMED,
  UNSUPPORTED_VERSION,
  INVALID,
  /** The message names another device than the topic it came on. */
  DEVICE_MISMATCH,
  /** A telemetry batch or event whose sequence number was already stored, or an older report. */
  REPLAYED,
  /** A topic under the prefix that is not a device topic the server reads. */
  BAD_TOPIC,
  /** A chunk request for a bundle the server does not hold. */
  UNKNOWN_DIGEST,
  /** A message from an unknown device while as many devices as allowed are registered. */
  DEVICE_LIMIT,
  /** A report whose labels are too many, too long or of characters a selector cannot name. */
  BAD_LABELS,
  /** A sample of a model version the device is not assigned, or one without a sampling policy. */
  NOT_SAMPLED;

  public static RejectReason of(MessageException.Reason reason) {
    return switch (reason) {
      case TOO_LARGE -> TOO_LARGE;
      case MALFORMED -> MALFORMED;
      case UNSUPPORTED_VERSION -> UNSUPPORTED_VERSION;
      case INVALID, BAD_SIGNATURE -> INVALID;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
