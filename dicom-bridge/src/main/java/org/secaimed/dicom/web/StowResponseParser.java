package org.secaimed.dicom.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps a Store Instances Response (PS3.18 10.5.3) back onto the parts that were sent. */
final class StowResponseParser {
  private StowResponseParser() {}

  static boolean looksLikeStoreResponse(ObjectNode o) {
    return o.has(DicomJsonObject.key(DicomTags.ReferencedSOPSequence)) || o.has(DicomJsonObject.key(DicomTags.FailedSOPSequence))
        || o.has(DicomJsonObject.key(DicomTags.RetrieveURL));
  }

  static StowResult parse(int httpStatus, DicomJsonObject response, List<StowRequest.Part> parts) {
    StowOutcome[] byPart = new StowOutcome[parts.size()];
    Map<String, Integer> indexByUid = new HashMap<>();
    for (StowRequest.Part p : parts) if (p.sopInstanceUid() != null) indexByUid.putIfAbsent(p.sopInstanceUid(), p.index());
    List<StowOutcome> unmatched = new ArrayList<>();

    for (DicomJsonObject item : response.sequence(DicomTags.ReferencedSOPSequence)) {
      String uid = item.string(DicomTags.ReferencedSOPInstanceUID);
      Integer warning = item.integer(DicomTags.WarningReason).orElse(null);
      StowOutcome.Status status = warning == null ? StowOutcome.Status.STORED : StowOutcome.Status.STORED_WITH_WARNING;
      place(byPart, unmatched, parts, indexByUid, uid, item.string(DicomTags.ReferencedSOPClassUID), status, null, warning,
          item.string(DicomTags.RetrieveURL));
    }
    for (DicomJsonObject item : response.sequence(DicomTags.FailedSOPSequence)) {
      String uid = item.string(DicomTags.ReferencedSOPInstanceUID);
      place(byPart, unmatched, parts, indexByUid, uid, item.string(DicomTags.ReferencedSOPClassUID), StowOutcome.Status.FAILED,
          item.integer(DicomTags.FailureReason).orElse(null), null, null);
    }

    // A failure without a usable UID (e.g. a part the server could not parse) belongs to a part
    // whose UID we could not read either; assign such failures to those parts in order.
    List<StowOutcome> stillUnmatched = new ArrayList<>();
    for (StowOutcome o : unmatched) {
      int target = -1;
      if (o.status() == StowOutcome.Status.FAILED) {
        for (StowRequest.Part p : parts) {
          if (byPart[p.index()] == null && p.sopInstanceUid() == null) {
            target = p.index();
            break;
          }
        }
      }
      if (target >= 0) {
        StowRequest.Part p = parts.get(target);
        byPart[target] = new StowOutcome(target, p.label(), o.sopClassUid(), o.sopInstanceUid(), o.status(), o.failureReason(), null, null);
      } else {
        stillUnmatched.add(o);
      }
    }

    List<StowOutcome> outcomes = new ArrayList<>();
    for (StowRequest.Part p : parts) {
      StowOutcome o = byPart[p.index()];
      outcomes.add(o != null ? o : new StowOutcome(p.index(), p.label(), p.sopClassUid(), p.sopInstanceUid(), StowOutcome.Status.NOT_REPORTED, null, null, null));
    }
    outcomes.addAll(stillUnmatched);
    return new StowResult(httpStatus, response.string(DicomTags.RetrieveURL), outcomes);
  }

  private static void place(StowOutcome[] byPart, List<StowOutcome> unmatched, List<StowRequest.Part> parts, Map<String, Integer> indexByUid,
      String uid, String sopClass, StowOutcome.Status status, Integer failure, Integer warning, String retrieveUrl) {
    Integer idx = uid == null ? null : indexByUid.get(uid);
    if (idx != null && byPart[idx] == null) {
      StowRequest.Part p = parts.get(idx);
      byPart[idx] = new StowOutcome(idx, p.label(), sopClass != null ? sopClass : p.sopClassUid(), uid, status, failure, warning, retrieveUrl);
    } else {
      unmatched.add(new StowOutcome(-1, null, sopClass, uid, status, failure, warning, retrieveUrl));
    }
  }
}
