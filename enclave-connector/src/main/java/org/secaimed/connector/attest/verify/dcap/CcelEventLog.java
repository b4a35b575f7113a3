package org.secaimed.connector.attest.verify.dcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.EvidenceFormatException;

/**
 * A TDX guest's CCEL event log (TCG PC Client "crypto agile" format, little-endian), replayed into
 * RTMR0..3, so a policy can judge the events (kernel, command line, ...) instead of opaque RTMR
 * values. The first event is the SHA-1-format Spec ID event naming the digest sizes; each later
 * event is {@code TCG_PCR_EVENT2}: MR index, type, digests, event data. MR index 1..4 is RTMR0..3
 * (0 is MRTD, not extended by the log). {@code EV_NO_ACTION} events are not extended.
 *
 * <p>Replay: RTMR_i = SHA-384(RTMR_i ‖ event's SHA-384 digest), from 48 zero bytes. A log is only
 * evidence once its replay equals the RTMRs of a verified quote ({@link #mismatches}).
 */
public final class CcelEventLog {
  static final int EV_NO_ACTION = 3;
  static final int SHA384 = 0x000C;
  static final int MAX_EVENTS = 65_536;
  private static final byte[] SPEC_ID = "Spec ID Event03\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** One measured event: its MR index (1..4 = RTMR0..3), type and SHA-384 digest. */
  public record Event(int mrIndex, int type, byte[] sha384) {}

  private final List<Event> events;

  private CcelEventLog(List<Event> events) {
    this.events = List.copyOf(events);
  }

  public List<Event> events() {
    return events;
  }

  /** Parses a log; trailing 0x00/0xFF fill (the CCEL area is larger than its log) is ignored. */
  public static CcelEventLog parse(byte[] log) throws EvidenceFormatException {
    ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Map<Integer, Integer> sizes = specIdEvent(b);
      List<Event> events = new ArrayList<>();
      while (b.remaining() >= 8 && !fill(b)) {
        if (events.size() == MAX_EVENTS) throw error(b, "more than " + MAX_EVENTS + " events");
        events.add(event(b, sizes));
      }
      return new CcelEventLog(events);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw error(b, "truncated");
    }
  }

  private static Map<Integer, Integer> specIdEvent(ByteBuffer b) throws EvidenceFormatException {
    b.getInt(); // MR index of the header event
    if (b.getInt() != EV_NO_ACTION) throw error(b, "the first event is not the Spec ID event (EV_NO_ACTION)");
    b.position(b.position() + 20); // SHA-1 digest field, zero
    byte[] data = bytes(b, b.getInt());
    ByteBuffer s = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (!Arrays.equals(bytes(s, 16), SPEC_ID)) throw error(b, "the first event is not 'Spec ID Event03'");
    s.position(s.position() + 8); // platform class, spec version, errata, uintn size
    int n = s.getInt();
    if (n < 1 || n > 8) throw error(b, "Spec ID event lists " + n + " digest algorithms");
    Map<Integer, Integer> sizes = new HashMap<>();
    for (int i = 0; i < n; i++) sizes.put(s.getShort() & 0xFFFF, s.getShort() & 0xFFFF);
    if (!Integer.valueOf(48).equals(sizes.get(SHA384))) throw error(b, "the log has no SHA-384 digests");
    return sizes;
  }

  private static Event event(ByteBuffer b, Map<Integer, Integer> sizes) throws EvidenceFormatException {
    int at = b.position();
    int index = b.getInt();
    int type = b.getInt();
    int count = b.getInt();
    if (count < 1 || count > sizes.size()) throw error(b, "event at offset " + at + " has " + count + " digests");
    byte[] sha384 = null;
    for (int i = 0; i < count; i++) {
      int alg = b.getShort() & 0xFFFF;
      Integer size = sizes.get(alg);
      if (size == null) throw error(b, "event at offset " + at + " uses digest algorithm 0x" + Integer.toHexString(alg) + " not in the Spec ID event");
      byte[] d = bytes(b, size);
      if (alg == SHA384) sha384 = d;
    }
    if (sha384 == null) throw error(b, "event at offset " + at + " has no SHA-384 digest");
    bytes(b, b.getInt()); // event data: judged by policy rules on events, not by the replay
    if (type != EV_NO_ACTION && (index < 1 || index > 4)) throw error(b, "event at offset " + at + " extends MR index " + index + " (RTMRs are 1..4)");
    return new Event(index, type, sha384);
  }

  /** RTMR0..3 as the log says they must be. */
  public byte[][] replay() {
    byte[][] rtmr = new byte[4][48];
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-384");
      for (Event e : events) {
        if (e.type() == EV_NO_ACTION) continue;
        int i = e.mrIndex() - 1;
        sha.update(rtmr[i]);
        rtmr[i] = sha.digest(e.sha384());
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return rtmr;
  }

  /** The RTMRs ("rtmr0".."rtmr3") whose replay differs from the quote's; empty: the log is the one measured. */
  public List<String> mismatches(TdReport quoted) {
    byte[][] replayed = replay();
    byte[][] q = {quoted.rtmr0(), quoted.rtmr1(), quoted.rtmr2(), quoted.rtmr3()};
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < 4; i++) if (!MessageDigest.isEqual(replayed[i], q[i])) differ.add("rtmr" + i);
    return differ;
  }

  private static boolean fill(ByteBuffer b) {
    byte first = b.get(b.position());
    if (first != 0 && first != (byte) 0xFF) return false;
    for (int i = b.position(); i < b.limit(); i++) if (b.get(i) != first) return false;
    return true;
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("length " + n);
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static EvidenceFormatException error(ByteBuffer b, String message) {
    return new EvidenceFormatException("tdx", "ccel", message + " (at byte " + b.position() + ")");
  }
}
