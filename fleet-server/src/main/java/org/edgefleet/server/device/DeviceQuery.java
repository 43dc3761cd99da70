package org.edgefleet.server.device;

import org.edgefleet.server.cohort.Selector;

/**
 * Which devices a listing shows; every part is optional (null matches all).
 *
 * @param online true: only devices online and heard from within the offline-after time; false: the others
 * @param selector a label selector the device's labels must match
 * @param model the name of a model the device's latest report holds
 */
public record DeviceQuery(Boolean online, Selector selector, String model) {

  public static final DeviceQuery ALL = new DeviceQuery(null, Selector.ALL, null);

  public DeviceQuery {
    selector = selector == null ? Selector.ALL : selector;
  }
}
