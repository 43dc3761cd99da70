package org.edgefleet.protocol.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Fuzz targets for everything a broker delivers: every decode ends in a message or a
 * {@link MessageException}, never another exception.
 */
class MessageFuzzTest {

  static final SigningKey SERVER = new SigningKey(Arrays.copyOf("server-fuzz-key".getBytes(StandardCharsets.UTF_8), 32),
      KeyRole.SERVER);
  static final TrustStore TRUST = TrustStore.of(SERVER.publicKey());

  @FuzzTest(maxDuration = "10s")
  void desiredState(byte[] payload) {
    try {
      MessageCodec.decode(payload, DesiredState.class, SignedDesiredState.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  /** Any bytes as the signed envelope, opened with the trusted server key. */
  @FuzzTest(maxDuration = "10s")
  void signedDesiredState(byte[] payload) {
    try {
      MessageCodec.decode(payload, SignedDesiredState.class, SignedDesiredState.MAX_BYTES).open(TRUST);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  /** Any text as the state inside a correctly signed envelope, so the fuzzer reaches the state's own checks. */
  @FuzzTest(maxDuration = "10s")
  void correctlySignedDesiredState(byte[] state) {
    String payload = new String(state, StandardCharsets.UTF_8);
    byte[] sig = SERVER.sign(payload.getBytes(StandardCharsets.UTF_8));
    SignedDesiredState signed = new SignedDesiredState(1, SERVER.keyId(), payload, Base64.getEncoder().encodeToString(sig));
    try {
      MessageCodec.decode(MessageCodec.encode(signed), SignedDesiredState.class, SignedDesiredState.MAX_BYTES).open(TRUST);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void sampleMessage(byte[] payload) {
    try {
      MessageCodec.decode(payload, SampleMessage.class, SampleMessage.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void reportedState(byte[] payload) {
    try {
      MessageCodec.decode(payload, ReportedState.class, ReportedState.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void telemetryBatch(byte[] payload) {
    try {
      MessageCodec.decode(payload, TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void deviceEvent(byte[] payload) {
    try {
      MessageCodec.decode(payload, DeviceEvent.class, DeviceEvent.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void chunkFrame(byte[] frame) {
    try {
      ChunkMessage.decode(frame, 1024);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }

  @FuzzTest(maxDuration = "10s")
  void chunkRequest(byte[] payload) {
    try {
      MessageCodec.decode(payload, ChunkRequest.class, ChunkRequest.MAX_BYTES);
    } catch (MessageException expected) {
      // refused with a reason
    }
  }
}
