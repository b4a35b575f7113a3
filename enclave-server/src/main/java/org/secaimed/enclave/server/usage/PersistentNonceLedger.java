package org.secaimed.enclave.server.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.secaimed.connector.party.NonceLedger;

/**
 * Spent request nonces, kept until their signatures expire and across restarts (an append-only
 * file of "expiry party:nonce" lines, fsynced before the request is acted on), so a request
 * captured before a restart cannot be replayed after it.
 */
public final class PersistentNonceLedger implements NonceLedger {
  private final Path file;
  private final Map<String, Instant> spent = new HashMap<>();

  public PersistentNonceLedger(Path file) throws IOException {
    this.file = file;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        int sp = line.indexOf(' ');
        if (sp <= 0) continue; // a torn last line was never acknowledged
        try {
          spent.put(line.substring(sp + 1), Instant.ofEpochSecond(Long.parseLong(line.substring(0, sp))));
        } catch (NumberFormatException e) {
          // torn line: skip
        }
      }
    }
  }

  @Override
  public synchronized boolean firstUse(String party, String nonce, Instant expires, Instant now) {
    spent.values().removeIf(e -> e.isBefore(now));
    String key = party + ":" + nonce;
    if (spent.containsKey(key)) return false;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap((expires.getEpochSecond() + " " + key + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record a spent nonce", e);
    }
    spent.put(key, expires);
    return true;
  }
}
