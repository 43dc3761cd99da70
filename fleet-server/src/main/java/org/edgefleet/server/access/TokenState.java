package org.edgefleet.server.access;

/** Whether an API token works. */
public enum TokenState { ACTIVE, EXPIRED, REVOKED }
