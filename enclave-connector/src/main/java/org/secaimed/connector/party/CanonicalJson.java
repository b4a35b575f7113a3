package org.secaimed.connector.party;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.secaimed.connector.io.Digests;

/**
 * The one encoding of the documents a party signs and the enclave binds by digest (usage policies,
 * usage licences): read strictly (no unknown, missing, duplicate or trailing fields), accepted only
 * in canonical form (declared field order, sorted unique lists, no whitespace), so that one
 * document has exactly one digest and a gateway cannot re-spell it into another.
 */
public final class CanonicalJson {
  /** Signed documents are small; a larger one is refused before it is parsed. */
  public static final int MAX_ENCODED = 64 * 1024;

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private CanonicalJson() {}

  /** Checks a parsed document's fields; throws a refusal naming the field. */
  @FunctionalInterface
  public interface Validator<T> {
    void validate(T document) throws RequestRefusedException;
  }

  /**
   * Parses {@code encoded} as a {@code type}, validates it and requires that it was spelled
   * canonically. {@code what} names the document in messages ("usage policy"); every refusal
   * carries {@code rule}.
   */
  public static <T> T parse(byte[] encoded, Class<T> type, String what, RequestRefusedException.Rule rule,
      Validator<T> validator) throws RequestRefusedException {
    if (encoded == null || encoded.length > MAX_ENCODED) throw refusal(rule, what, "the " + what + " is missing or larger than 64 KiB");
    T doc;
    try {
      doc = STRICT.readValue(encoded, type);
    } catch (IOException e) {
      String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
          ? " (field '" + m.getPath().get(m.getPath().size() - 1).getFieldName() + "')" : "";
      throw new RequestRefusedException(rule, "the " + what + " is not valid JSON of the expected shape" + field);
    }
    if (doc == null) throw refusal(rule, what, "the " + what + " is empty");
    validator.validate(doc);
    if (!Arrays.equals(encode(doc), encoded)) {
      throw refusal(rule, what, "the " + what + " is not in canonical form (field order, sorted unique lists, no whitespace)");
    }
    return doc;
  }

  /** The canonical bytes: what is signed, and what {@link #digest} hashes. */
  public static byte[] encode(Object document) {
    try {
      return CANONICAL.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + document.getClass().getSimpleName(), e);
    }
  }

  /** Hex SHA-256 of the canonical encoding: what archives and bundles are bound to, and logs and receipts name. */
  public static String digest(Object document) {
    return Digests.sha256Hex(encode(document));
  }

  /** Requires a present list with no nulls, sorted and without repeats (the canonical form of a set). */
  public static void requireSortedUnique(String field, List<String> list, String what, RequestRefusedException.Rule rule)
      throws RequestRefusedException {
    if (list == null) throw refusal(rule, what, "field '" + field + "' is required");
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) throw refusal(rule, what, "field '" + field + "' holds a null");
      if (i > 0 && list.get(i - 1).compareTo(list.get(i)) >= 0) {
        throw refusal(rule, what, "field '" + field + "' must be sorted and without repeats");
      }
    }
  }

  private static RequestRefusedException refusal(RequestRefusedException.Rule rule, String what, String why) {
    return new RequestRefusedException(rule, what + ": " + why);
  }
}
