package org.edgefleet.server.coap;

import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.edgefleet.server.metrics.RateLimitedLog;
import org.edgefleet.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts, logs (at most once per reason every ten seconds) and answers the requests the CoAP side refuses. */
final class CoapRefusals {

  private static final Logger LOG = LoggerFactory.getLogger(CoapRefusals.class);

  private final Map<CoapRefusal, Counter> counters = new EnumMap<>(CoapRefusal.class);
  private final RateLimitedLog<CoapRefusal> log = new RateLimitedLog<>(LOG, "coap_request_refused", TimeUnit.SECONDS.toNanos(10));

  CoapRefusals(ServerMetrics metrics) {
    for (CoapRefusal r : CoapRefusal.values()) {
      counters.put(r, metrics.counter("fleet.coap.requests.refused", "CoAP requests refused before the inbox, by reason",
          "reason", r.label()));
    }
  }

  void refuse(CoapExchange exchange, CoapRefusal reason, ResponseCode code, String detail) {
    count(reason, exchange.getSourceSocketAddress().toString(), detail);
    exchange.respond(code, detail);
  }

  void count(CoapRefusal reason, String peer, String detail) {
    counters.get(reason).increment();
    log.log(reason, reason.label(), peer, detail);
  }

  long count(CoapRefusal reason) {
    return (long) counters.get(reason).count();
  }
}
