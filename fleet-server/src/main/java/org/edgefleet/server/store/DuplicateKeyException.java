package org.edgefleet.server.store;

/**
 * A write would have stored a second row under a key that must be unique (a primary key or a
 * UNIQUE constraint): another transaction, here or on another server instance, stored it first.
 */
public final class DuplicateKeyException extends StoreException {

  public DuplicateKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
