package org.secaimed.connector.gateway;

/** A task the gateway accepted, with what was asked, so the receipt can be held against it. */
public record SubmittedTask(String taskId, TaskSpec spec, String recipientKeyId, String evidenceDigest, String policyDigest) {}
