package org.edgefleet.server.broker;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptExceptionMessage;

/**
 * Tells the broker owner when one of Moquette's session loops has died. Moquette 0.17 ends a loop
 * on the first exception in any command (e.g. a client re-sending a QoS 1 PUBLISH with DUP after a
 * reconnect: moquette-io/moquette#750), and every client bound to that loop stops being served.
 */
final class SessionLoopWatch extends AbstractInterceptHandler {

  private final Runnable onDeath;

  SessionLoopWatch(Runnable onDeath) {
    this.onDeath = onDeath;
  }

  @Override
  public String getID() {
    return "fleet-session-loop-watch";
  }

  // Only loop errors: every other event type would cost a task per message for nothing.
  @Override
  public Class<?>[] getInterceptedMessageTypes() {
    return new Class<?>[] {InterceptExceptionMessage.class};
  }

  @Override
  public void onSessionLoopError(Throwable error) {
    onDeath.run();
  }
}
