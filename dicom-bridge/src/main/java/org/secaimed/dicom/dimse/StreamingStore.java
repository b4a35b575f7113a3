package org.secaimed.dicom.dimse;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.LinkedList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * C-STORE of one Part-10 object that is written while it is sent: a writer thread encodes it into
 * a pipe, PixelMed reads past the File Meta and copies the data set into the association. Nothing
 * is held whole. If the writer fails, the copy fails before the data set's last fragment, and the
 * association is aborted: the peer never receives a complete, wrong object.
 */
final class StreamingStore extends StorageSOPClassSCU {
  static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  private StreamingStore() throws DicomNetworkException, DicomException, IOException {
    super();
  }

  /** True when the peer answered success (or a warning). */
  static boolean send(DimsePeer peer, AeTitle calling, String sopClassUid, String sopInstanceUid, DimseClient.Part10Writer writer)
      throws Exception {
    LinkedList<PresentationContext> contexts = new LinkedList<>();
    contexts.add(new PresentationContext((byte) 1, sopClassUid, EXPLICIT_VR_LITTLE_ENDIAN));
    Association association = AssociationFactory.createNewAssociation(peer.host(), peer.port(), peer.aeTitle().value(), calling.value(),
        contexts, null, false);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    PipedInputStream pipe = new PipedInputStream(1 << 16);
    PipedOutputStream sink = new PipedOutputStream(pipe);
    Thread producer = new Thread(() -> {
      try {
        writer.writeTo(sink);
      } catch (Throwable e) {
        failed.set(e);
      } finally {
        try {
          sink.close();
        } catch (IOException ignored) {
          // the reader has gone; its own failure is reported
        }
      }
    }, "c-store-writer");
    producer.setDaemon(true);
    try {
      byte context = association.getSuitablePresentationContextID(sopClassUid, EXPLICIT_VR_LITTLE_ENDIAN);
      producer.start();
      DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FailingAtEnd(pipe, failed), 1 << 16));
      new AttributeList().readOnlyMetaInformationHeader(in);
      boolean ok = new StreamingStore().sendOneSOPInstance(association, sopClassUid, sopInstanceUid, EXPLICIT_VR_LITTLE_ENDIAN, in,
          context, EXPLICIT_VR_LITTLE_ENDIAN, null, -1);
      producer.join();
      association.release();
      return ok;
    } catch (Exception e) {
      producer.interrupt();
      try {
        association.abort();
      } catch (DicomNetworkException ignored) {
        // already gone
      }
      throw e;
    }
  }

  /** The pipe's end is an error, not an end of data, when the writer failed. */
  private static final class FailingAtEnd extends java.io.FilterInputStream {
    private final AtomicReference<Throwable> failed;

    FailingAtEnd(InputStream in, AtomicReference<Throwable> failed) {
      super(in);
      this.failed = failed;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) checkWriter();
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) checkWriter();
      return n;
    }

    private void checkWriter() throws IOException {
      Throwable e = failed.get();
      if (e != null) throw new IOException("the object failed while it was being sent: " + e.getMessage(), e);
    }
  }
}
