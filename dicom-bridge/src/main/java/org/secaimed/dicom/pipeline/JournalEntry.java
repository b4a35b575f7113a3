package org.secaimed.dicom.pipeline;

import java.util.Objects;

/**
 * One completed step in a {@link RunJournal}: what the step left behind, as identifiers, digests
 * and counts. Each type is written as one JSON line whose {@code step} names it, so journals written
 * before these types existed (the same lines, then read as string maps) are read unchanged.
 */
public sealed interface JournalEntry {

  /** The enclave the run's data and task are bound to. Rewritten by every attestation until a task request is sent. */
  record Attested(String evidenceDigest, String policyDigest, String signingKeySha256, String kemKeyId, boolean insecure)
      implements JournalEntry {
    public Attested {
      required(evidenceDigest, "evidenceDigest");
      required(policyDigest, "policyDigest");
      required(signingKeySha256, "signingKeySha256");
      required(kemKeyId, "kemKeyId");
    }
  }

  /**
   * Streamed ingest began (decision 24): the upload exists with the site's usage policy declared,
   * and the task request naming it (idempotency key, request digest) is about to be sent. Until
   * {@link Uploaded} follows, a restart abandons the upload and goes on the classic way.
   */
  record Streaming(String uploadId, String idempotencyKey, String requestSha256) implements JournalEntry {
    public Streaming {
      required(uploadId, "uploadId");
      required(idempotencyKey, "idempotencyKey");
      required(requestSha256, "requestSha256");
    }
  }

  /** A restart gave up the streamed upload (its task fails as input-upload-aborted); the run uploads and submits again. */
  record StreamAbandoned(String uploadId) implements JournalEntry {
    public StreamAbandoned {
      required(uploadId, "uploadId");
    }
  }

  /** The series is sealed and uploaded; {@code instancesSha256} is the digest of the run folder's instance list. */
  record Uploaded(String blobId, String instancesSha256, int instances, long plaintextBytes, long sealedBytes)
      implements JournalEntry {
    public Uploaded {
      required(blobId, "blobId");
      required(instancesSha256, "instancesSha256");
    }
  }

  /**
   * A task request is about to be sent: its idempotency key and the digest of the request. Written
   * before the request leaves, so a restart in the window between the gateway accepting it and
   * {@link Submitted} sends the same request (same attestation context) under the same key again.
   */
  record Submitting(String idempotencyKey, String requestSha256) implements JournalEntry {
    public Submitting {
      required(idempotencyKey, "idempotencyKey");
      required(requestSha256, "requestSha256");
    }
  }

  /** The gateway accepted the task request sent with this idempotency key. */
  record Submitted(String taskId, String idempotencyKey) implements JournalEntry {
    public Submitted {
      required(taskId, "taskId");
    }
  }

  /** The task succeeded in the enclave. */
  record Completed(String taskId) implements JournalEntry {
    public Completed {
      required(taskId, "taskId");
    }
  }

  /** The receipt, its log inclusion and consistency verified; {@code receiptSha256} is the digest of the stored bundle. */
  record ResultVerified(String receiptSha256, long logIndex) implements JournalEntry {
    public ResultVerified {
      required(receiptSha256, "receiptSha256");
    }
  }

  /** A SEG with these UIDs is about to be stored (UIDs are deterministic, so storing again replaces it). */
  record SegWritten(String segSopInstanceUid, String segSeriesInstanceUid, int frames) implements JournalEntry {
    public SegWritten {
      required(segSopInstanceUid, "segSopInstanceUid");
      required(segSeriesInstanceUid, "segSeriesInstanceUid");
    }
  }

  /** The destination confirmed the SEG. */
  record Stored(String segSopInstanceUid) implements JournalEntry {
    public Stored {
      required(segSopInstanceUid, "segSopInstanceUid");
    }
  }

  /** The run's record file was written; {@code recordSha256} is its digest. */
  record Recorded(String recordSha256) implements JournalEntry {
    public Recorded {
      required(recordSha256, "recordSha256");
    }
  }

  private static void required(String value, String fact) {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("fact '" + fact + "' is missing");
  }
}
