package org.secaimed.connector.gateway;

/**
 * A sealed blob the gateway holds: its content address, length, the upload that made it and
 * (protocol v2) the digest of the usage policy it is sealed with.
 */
public record UploadedBlob(String blobId, long length, String uploadId, int partsSent, String usagePolicyDigest) {
  public UploadedBlob(String blobId, long length, String uploadId, int partsSent) {
    this(blobId, length, uploadId, partsSent, null);
  }
}
