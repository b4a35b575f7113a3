package org.secaimed.enclave.server.attest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SEV-SNP certificate table that the host provisions and configfs-tsm returns as
 * {@code auxblob} (GHCB specification, SNP extended guest request): entries of a 16-byte GUID
 * (RFC 4122 byte order), a little-endian u32 offset from the table's start and a u32 length,
 * ended by an all-zero entry. Each entry is one DER certificate.
 */
public final class SnpCertTable {
  public static final UUID VCEK = UUID.fromString("63da758d-e664-4564-adc5-f4b93be8accd");
  public static final UUID VLEK = UUID.fromString("a8074bc2-a25a-483e-aae6-39c045a0b8a1");
  public static final UUID ASK = UUID.fromString("4ab7b379-bbac-4fe4-a02f-05aef327c782");
  public static final UUID ARK = UUID.fromString("c0b406a4-a803-4952-9743-3fb6014cd0ae");
  private static final Map<UUID, String> NAMES = Map.of(VCEK, "VCEK", VLEK, "VLEK", ASK, "ASK", ARK, "ARK");
  private static final int ENTRY = 24;

  /** One certificate of the table. */
  public record Entry(UUID guid, byte[] der) {
    public String name() {
      return NAMES.getOrDefault(guid, guid.toString());
    }
  }

  private SnpCertTable() {}

  /**
   * Parses a table.
   *
   * @throws IllegalArgumentException naming the entry when the table is unterminated or points outside itself
   */
  public static List<Entry> parse(byte[] table) {
    ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      int at = i * ENTRY;
      if (at + ENTRY > table.length) throw new IllegalArgumentException("certificate table: entry " + i + " at byte " + at + " runs past the table's "
          + table.length + " bytes (no all-zero terminator)");
      long msb = ByteBuffer.wrap(table, at, 8).getLong();
      long lsb = ByteBuffer.wrap(table, at + 8, 8).getLong();
      long offset = Integer.toUnsignedLong(b.getInt(at + 16));
      long length = Integer.toUnsignedLong(b.getInt(at + 20));
      if (msb == 0 && lsb == 0) {
        if (offset != 0 || length != 0) throw new IllegalArgumentException("certificate table: terminator entry " + i + " is not all zero");
        return List.copyOf(out);
      }
      UUID guid = new UUID(msb, lsb);
      if (length == 0 || offset < (long) (i + 1) * ENTRY || offset + length > table.length) {
        throw new IllegalArgumentException("certificate table: entry " + i + " (" + NAMES.getOrDefault(guid, guid.toString()) + ") offset "
            + offset + " length " + length + " lies outside the table's " + table.length + " bytes");
      }
      out.add(new Entry(guid, Arrays.copyOfRange(table, (int) offset, (int) (offset + length))));
    }
  }

  /** Builds a table, certificates after the entries in the given order. For tests and tools that provision certificates. */
  public static byte[] build(List<Entry> entries) {
    int header = (entries.size() + 1) * ENTRY;
    int total = header + entries.stream().mapToInt(e -> e.der().length).sum();
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    int offset = header;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      ByteBuffer.wrap(b.array(), i * ENTRY, 16).putLong(e.guid().getMostSignificantBits()).putLong(e.guid().getLeastSignificantBits());
      b.putInt(i * ENTRY + 16, offset).putInt(i * ENTRY + 20, e.der().length);
      System.arraycopy(e.der(), 0, b.array(), offset, e.der().length);
      offset += e.der().length;
    }
    return b.array();
  }
}
