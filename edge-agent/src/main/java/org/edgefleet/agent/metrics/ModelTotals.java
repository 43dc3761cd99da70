package org.edgefleet.agent.metrics;

/**
 * The calls and errors of one model version since it first served on this agent (this process),
 * whoever called: in-process callers and the local endpoint alike.
 */
public record ModelTotals(String model, int version, long calls, long errors) {}
