package org.secaimed.connector.gateway;

/** A sealed blob the gateway holds: its content address, length and the upload that made it. */
public record UploadedBlob(String blobId, long length, String uploadId, int partsSent) {}
