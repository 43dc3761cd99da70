package org.edgefleet.protocol.trust;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 private key (its 32-byte seed) with the role its signatures are for. */
public final class SigningKey {

  private final byte[] seed;
  private final PublicKey publicKey;

  public SigningKey(byte[] seed, KeyRole role) {
    if (seed == null || seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 private key is " + Ed25519PrivateKeyParameters.KEY_SIZE + " bytes");
    }
    this.seed = seed.clone();
    Ed25519PrivateKeyParameters params = new Ed25519PrivateKeyParameters(this.seed, 0);
    this.publicKey = new PublicKey(params.generatePublicKey().getEncoded(), Objects.requireNonNull(role, "role must not be null"));
  }

  public static SigningKey generate(KeyRole role) {
    byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    new SecureRandom().nextBytes(seed);
    return new SigningKey(seed, role);
  }

  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public String keyId() {
    return publicKey.keyId();
  }

  byte[] seed() {
    return seed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey k && Arrays.equals(seed, k.seed) && publicKey.equals(k.publicKey);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId() + ", " + publicKey.role().wireName() + "]";
  }
}
