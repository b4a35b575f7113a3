package org.secaimed.kaapana.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.TypeConversionException;

/** Option values people type: {@code 2h}, {@code 1h30m}, {@code 2026-11-22T03:00:00Z}; messages without Java types. */
public final class Converters {
  private static final Pattern HUMAN_DURATION = Pattern.compile("(\\d+)(ms|d|h|m|s)");

  private Converters() {}

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}, {@code 1d}, {@code 500ms}, or ISO-8601 {@code PT2H}. */
  public static Duration duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw durationError(text);
      }
    }
    Matcher m = HUMAN_DURATION.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    while (m.find() && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      at = m.end();
    }
    if (at == 0 || at != t.length()) throw durationError(text);
    return total;
  }

  private static TypeConversionException durationError(String text) {
    return new TypeConversionException("'" + text + "' is not a duration; write e.g. 90s, 30m, 2h, 1h30m or PT2H");
  }

  /** An instant {@code 2023-06-20T00:00:00Z} or a date {@code 2023-06-20} (midnight UTC). */
  public static Instant instant(String text) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new TypeConversionException("'" + text + "' is not a time; write e.g. 2023-06-20T00:00:00Z or 2023-06-20");
      }
    }
  }

  /** A local date and time {@code 2026-11-22T03:00:00}. */
  public static LocalDateTime localDateTime(String text) {
    try {
      return LocalDateTime.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + text + "' is not a date and time; write e.g. 2026-11-22T03:00:00");
    }
  }
}
