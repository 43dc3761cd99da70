package org.edgefleet.protocol.message;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SignatureException;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * The desired state as it travels: the state's JSON text as a string, so the signed bytes are
 * exactly the bytes received (no canonical JSON needed), with an Ed25519 signature by a server key.
 * {@code keySet}, when present, is the fleet's current signed key set: signed by the root keys
 * rather than by the server, so the server's signature does not cover it; a device checks it
 * against the root it trusts before it checks the desired state, which lets a new server key
 * reach devices in the same message as the first state it signs.
 */
public record SignedDesiredState(int v, String keyId, String payload, String signature, SignedKeySet keySet) {

  public static final int MAX_BYTES = 4 * 1024 * 1024;

  public SignedDesiredState {
    MessageCodec.requireVersion(v, "signed desired state");
    if (keyId == null || payload == null || signature == null) {
      throw new IllegalArgumentException("signed desired state needs keyId, payload and signature");
    }
  }

  public SignedDesiredState(int v, String keyId, String payload, String signature) {
    this(v, keyId, payload, signature, null);
  }

  /** The same signed state, carrying the fleet's key set for devices to pick up. */
  public SignedDesiredState withKeySet(SignedKeySet keySet) {
    return new SignedDesiredState(v, keyId, payload, signature, keySet);
  }

  public static SignedDesiredState sign(DesiredState state, SigningKey key) {
    if (key.publicKey().role() != KeyRole.SERVER) {
      throw new IllegalArgumentException("desired states are signed with a server key");
    }
    String payload = new String(MessageCodec.encode(state), StandardCharsets.UTF_8);
    byte[] sig = key.sign(payload.getBytes(StandardCharsets.UTF_8));
    return new SignedDesiredState(MessageCodec.VERSION, key.keyId(), payload, Base64.getEncoder().encodeToString(sig));
  }

  /** Checks the signature against the trusted server keys and returns the state. */
  public DesiredState open(TrustStore trust) throws MessageException {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    try {
      trust.verify(keyId, KeyRole.SERVER, body, Base64.getDecoder().decode(signature));
    } catch (SignatureException | IllegalArgumentException e) {
      throw new MessageException(MessageException.Reason.BAD_SIGNATURE, "desired state refused: " + e.getMessage(), e);
    }
    return MessageCodec.decode(body, DesiredState.class, MAX_BYTES);
  }
}
