package org.secaimed.dicom.dimse;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A C-FIND identifier (Study Root): the level, matching keys with values and return keys
 * (empty values). Keys are DICOM keywords; unknown keywords fail at build time.
 *
 * <pre>{@code DimseQuery.at(QueryLevel.SERIES).match("StudyInstanceUID", st).returnKey("Modality").build()}</pre>
 */
public final class DimseQuery {
  private final QueryLevel level;
  private final Map<String, String> keys;

  private DimseQuery(QueryLevel level, Map<String, String> keys) {
    this.level = level;
    this.keys = Map.copyOf(keys);
  }

  public static Builder at(QueryLevel level) {
    return new Builder(level);
  }

  public QueryLevel level() {
    return level;
  }

  /** A fresh identifier for the request (PixelMed lists are mutable and not thread-safe). */
  AttributeList identifier() {
    try {
      AttributeList id = new AttributeList();
      Attribute lvl = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
      lvl.addValue(level.name());
      id.put(lvl);
      for (Map.Entry<String, String> k : keys.entrySet()) {
        AttributeTag tag = tagOf(k.getKey());
        Attribute a = AttributeFactory.newAttribute(tag, DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag));
        if (!k.getValue().isEmpty()) a.addValue(k.getValue());
        id.put(a);
      }
      return id;
    } catch (DicomException e) {
      throw new IllegalArgumentException("cannot build C-FIND identifier: " + e.getMessage(), e);
    }
  }

  static AttributeTag tagOf(String keyword) {
    AttributeTag tag = DicomDictionary.StandardDictionary.getTagFromName(keyword);
    if (tag == null) throw new IllegalArgumentException("unknown DICOM keyword '" + keyword + "'");
    return tag;
  }

  public static final class Builder {
    private final QueryLevel level;
    private final Map<String, String> keys = new LinkedHashMap<>();

    private Builder(QueryLevel level) {
      this.level = level;
    }

    /** A matching key (wildcards, ranges and UID lists as C-FIND allows). */
    public Builder match(String keyword, String value) {
      tagOf(keyword);
      if (value == null) throw new IllegalArgumentException("value of " + keyword + " is null; use returnKey for an empty key");
      keys.put(keyword, value);
      return this;
    }

    /** A return key: an empty attribute the peer fills in. */
    public Builder returnKey(String keyword) {
      tagOf(keyword);
      keys.putIfAbsent(keyword, "");
      return this;
    }

    public DimseQuery build() {
      // The unique key of each level must be present, at least as return key.
      keys.putIfAbsent("StudyInstanceUID", "");
      if (level != QueryLevel.STUDY) keys.putIfAbsent("SeriesInstanceUID", "");
      if (level == QueryLevel.IMAGE) keys.putIfAbsent("SOPInstanceUID", "");
      return new DimseQuery(level, keys);
    }
  }
}
