package org.edgefleet.server.coap;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.server.resources.Resource;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * {@code d}: every valid device id resolves to one shared node holding the device resources, which
 * read the id from the request path. No resource is created per device id, so requests for made-up
 * ids cost nothing to hold; only {@link DesiredResource} keeps a bounded set of CoAP devices.
 */
final class DeviceTree extends CoapResource {

  private final CoapResource device = new CoapResource("device");

  DeviceTree(Resource... deviceResources) {
    super(CoapPaths.DEVICES);
    device.setParent(this);
    for (Resource r : deviceResources) {
      device.add(r);
    }
  }

  @Override
  public Resource getChild(String name) {
    return Topics.isValidDeviceId(name) ? device : null;
  }
}
