package org.edgefleet.protocol.bundle;

/**
 * A bundle whose signature, file hashes, sizes, paths and expiry have all been checked.
 *
 * @param digest SHA-256 of the whole bundle file, its content address
 * @param size bytes of the whole bundle file
 */
public record VerifiedBundle(Manifest manifest, String digest, long size) {}
