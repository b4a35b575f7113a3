package org.secaimed.dicom.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A QIDO-RS search (PS3.18 10.6): the resource level, its scope (study / series), matching keys,
 * include fields and paging. Built with validation so a malformed search never reaches the server:
 *
 * <pre>{@code
 * QidoQuery q = QidoQuery.series().inStudy(studyUid).match("Modality", "CT").includeField("SeriesDescription").limit(100).build();
 * }</pre>
 */
public final class QidoQuery {
  /** What is searched for. */
  public enum Level { STUDIES, SERIES, INSTANCES }

  private final Level level;
  private final String studyUid;
  private final String seriesUid;
  private final Map<String, String> matches;
  private final List<String> includeFields;
  private final boolean fuzzy;
  private final Integer limit;
  private final Integer offset;

  private QidoQuery(Builder b) {
    this.level = b.level;
    this.studyUid = b.studyUid;
    this.seriesUid = b.seriesUid;
    this.matches = Map.copyOf(b.matches);
    this.includeFields = List.copyOf(b.includeFields);
    this.fuzzy = b.fuzzy;
    this.limit = b.limit;
    this.offset = b.offset;
  }

  public static Builder studies() {
    return new Builder(Level.STUDIES);
  }

  public static Builder series() {
    return new Builder(Level.SERIES);
  }

  public static Builder instances() {
    return new Builder(Level.INSTANCES);
  }

  public Level level() {
    return level;
  }

  public Integer limit() {
    return limit;
  }

  public Integer offset() {
    return offset;
  }

  /** The same search with other paging values; used to walk pages. */
  public QidoQuery page(int newOffset, int newLimit) {
    Builder b = toBuilder();
    b.offset = newOffset;
    b.limit = newLimit;
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(level);
    b.studyUid = studyUid;
    b.seriesUid = seriesUid;
    b.matches.putAll(matches);
    b.includeFields.addAll(includeFields);
    b.fuzzy = fuzzy;
    b.limit = limit;
    b.offset = offset;
    return b;
  }

  /** Path segments below the base URL, e.g. {@code studies/1.2/series}. */
  List<String> pathSegments() {
    List<String> p = new ArrayList<>();
    if (studyUid != null) {
      p.add("studies");
      p.add(studyUid);
    }
    if (seriesUid != null) {
      p.add("series");
      p.add(seriesUid);
    }
    p.add(switch (level) {
      case STUDIES -> "studies";
      case SERIES -> "series";
      case INSTANCES -> "instances";
    });
    return p;
  }

  Map<String, String> matches() {
    return matches;
  }

  List<String> includeFields() {
    return includeFields;
  }

  boolean fuzzy() {
    return fuzzy;
  }

  public static final class Builder {
    private final Level level;
    private String studyUid;
    private String seriesUid;
    private final Map<String, String> matches = new LinkedHashMap<>();
    private final List<String> includeFields = new ArrayList<>();
    private boolean fuzzy;
    private Integer limit;
    private Integer offset;

    private Builder(Level level) {
      this.level = level;
    }

    /** Restricts series or instance searches to one study (path {@code studies/{uid}/...}). */
    public Builder inStudy(String uid) {
      if (level == Level.STUDIES) throw new IllegalArgumentException("a study search cannot be scoped to a study; match StudyInstanceUID instead");
      this.studyUid = Uids.require(uid, "StudyInstanceUID");
      return this;
    }

    /** Restricts an instance search to one series; needs {@link #inStudy}. */
    public Builder inSeries(String uid) {
      if (level != Level.INSTANCES) throw new IllegalArgumentException("only an instance search can be scoped to a series");
      this.seriesUid = Uids.require(uid, "SeriesInstanceUID");
      return this;
    }

    /**
     * Adds a matching key by DICOM keyword or 8-hex tag ({@code PatientID}, {@code 00100020}),
     * with QIDO matching syntax (wildcards {@code *?}, ranges {@code 20240101-20240131}, lists {@code A\B}).
     */
    public Builder match(String key, String value) {
      Objects.requireNonNull(value, "value of " + key);
      matches.put(requireKey(key), value);
      return this;
    }

    /** Asks the server to return an extra attribute (keyword or tag), or {@code all}. */
    public Builder includeField(String key) {
      includeFields.add(key.equals("all") ? key : requireKey(key));
      return this;
    }

    public Builder fuzzyMatching(boolean on) {
      this.fuzzy = on;
      return this;
    }

    public Builder limit(int n) {
      if (n <= 0) throw new IllegalArgumentException("limit must be positive, was " + n);
      this.limit = n;
      return this;
    }

    public Builder offset(int n) {
      if (n < 0) throw new IllegalArgumentException("offset must not be negative, was " + n);
      this.offset = n;
      return this;
    }

    public QidoQuery build() {
      if (seriesUid != null && studyUid == null) throw new IllegalArgumentException("inSeries needs inStudy");
      return new QidoQuery(this);
    }

    private static String requireKey(String key) {
      if (key == null || !(key.matches("[0-9A-Fa-f]{8}") || key.matches("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*")))
        throw new IllegalArgumentException("not a DICOM keyword or 8-hex tag: '" + key + "'");
      return key;
    }
  }
}
