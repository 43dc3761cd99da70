package org.edgefleet.server.api;

/** The body of every error answer: a stable code and what the user can do about it. */
public record ApiError(String error, String message) {}
