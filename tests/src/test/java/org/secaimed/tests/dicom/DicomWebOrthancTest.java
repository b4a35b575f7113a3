package org.secaimed.tests.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.pipeline.StowSegDestination;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.volume.LabelVolume;
import org.secaimed.dicom.web.DicomJsonObject;
import org.secaimed.dicom.web.DicomTags;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.DicomWebException;
import org.secaimed.dicom.web.InstanceStream;
import org.secaimed.dicom.web.QidoQuery;
import org.secaimed.dicom.web.StowOutcome;
import org.secaimed.dicom.web.StowRequest;
import org.secaimed.dicom.web.StowResult;
import org.secaimed.dicom.web.TransferSyntaxes;
import org.secaimed.tests.servers.OrthancServer;

/** STOW, QIDO, streaming WADO and metadata against a real Orthanc with the DICOMweb plugin. */
class DicomWebOrthancTest {
  @RegisterExtension static final OrthancServer PACS = OrthancServer.builder().aeTitle("WEBPACS").build();

  static final List<Path> CT = TestSeries.images("ct-3slice-dcmqi");
  static final List<Path> MR = TestSeries.images("mr-pacsman-128");
  static DicomWebClient client;
  static StowResult ctStow;
  static StowResult mrStow;

  @BeforeAll
  static void storeSeries() throws Exception {
    client = DicomWebClient.builder(PACS.dicomWebUrl()).build();
    StowRequest.Builder ct = StowRequest.builder();
    for (Path f : CT) ct.addFile(f);
    ctStow = client.store(ct.build());
    StowRequest.Builder mr = StowRequest.builder();
    for (Path f : MR) mr.addFile(f);
    mrStow = client.store(mr.build());
  }

  @Test
  void stowReportsEveryInstanceStored() {
    assertThat(ctStow.httpStatus()).isEqualTo(200);
    assertThat(ctStow.allStored()).isTrue();
    assertThat(ctStow.outcomes()).extracting(StowOutcome::sopInstanceUid)
        .containsExactlyElementsOf(CT.stream().map(TestSeries::sopUid).toList());
    assertThat(mrStow.storedCount()).isEqualTo(128);
    assertThat(PACS.instanceCount()).isGreaterThanOrEqualTo(3 + 128);
  }

  @Test
  void qidoFindsStudySeriesAndAllInstancesAcrossPages() throws Exception {
    String study = TestSeries.studyUid(CT.get(0));
    String series = TestSeries.seriesUid(CT.get(0));

    List<DicomJsonObject> studies = client.search(QidoQuery.studies().match("StudyInstanceUID", study).includeField("StudyDescription").build());
    assertThat(studies).hasSize(1);
    assertThat(studies.get(0).string(DicomTags.StudyInstanceUID)).isEqualTo(study);

    List<DicomJsonObject> seriesList = client.search(QidoQuery.series().inStudy(study).match("Modality", "CT").build());
    assertThat(seriesList).extracting(o -> o.string(DicomTags.SeriesInstanceUID)).containsExactly(series);

    assertThat(client.search(QidoQuery.series().inStudy(study).match("Modality", "MR").build())).isEmpty();

    String mrStudy = TestSeries.studyUid(MR.get(0));
    String mrSeries = TestSeries.seriesUid(MR.get(0));
    List<DicomJsonObject> mrInstances = client.searchAll(QidoQuery.instances().inStudy(mrStudy).inSeries(mrSeries).build(), 50);
    Set<String> uids = new HashSet<>();
    mrInstances.forEach(o -> uids.add(o.string(DicomTags.SOPInstanceUID)));
    assertThat(uids).hasSize(128).containsAll(MR.stream().map(TestSeries::sopUid).toList());
  }

  @Test
  void wadoStreamsEachInstanceAsExplicitLittleEndianWithThePixelsStored() throws Exception {
    // The CT files are Implicit VR LE: Orthanc transcodes on request, pixel values must be unchanged.
    String study = TestSeries.studyUid(CT.get(0));
    String series = TestSeries.seriesUid(CT.get(0));
    List<String> got = new ArrayList<>();
    try (InstanceStream s = client.retrieveSeries(study, series)) {
      while (s.next()) {
        assertThat(s.contentType()).startsWith("application/dicom");
        assertThat(s.transferSyntaxUid()).isEqualTo(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN);
        AttributeList received = new AttributeList();
        try (InputStream in = s.body()) {
          received.read(new DicomInputStream(in));
        }
        String uid = TestSeries.string(received, TagFromName.SOPInstanceUID);
        assertThat(uid).isEqualTo(s.sopInstanceUid());
        AttributeList original = TestSeries.read(CT.stream().filter(f -> TestSeries.sopUid(f).equals(uid)).findFirst().orElseThrow());
        assertThat(Arrays.equals(received.get(TagFromName.PixelData).getShortValues(), original.get(TagFromName.PixelData).getShortValues()))
            .as("pixel data of %s", uid).isTrue();
        got.add(uid);
      }
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(CT.stream().map(TestSeries::sopUid).toList());
  }

  @Test
  void wadoSkipsWhatTheConsumerDoesNotRead() throws Exception {
    String study = TestSeries.studyUid(MR.get(0));
    String series = TestSeries.seriesUid(MR.get(0));
    Set<String> uids = new HashSet<>();
    long bytes = 0;
    try (InstanceStream s = client.retrieveSeries(study, series)) {
      while (s.next()) {
        uids.add(s.sopInstanceUid());
        if (s.index() % 2 == 0) bytes += s.body().readAllBytes().length;
      }
    }
    assertThat(uids).hasSize(128);
    assertThat(bytes).isGreaterThan(64L * 128 * 128 * 2);
  }

  @Test
  void metadataListsEveryInstanceWithoutPixelData() throws Exception {
    String study = TestSeries.studyUid(CT.get(0));
    String series = TestSeries.seriesUid(CT.get(0));
    List<DicomJsonObject> meta = client.seriesMetadata(study, series);
    assertThat(meta).hasSize(3);
    assertThat(meta).allSatisfy(m -> {
      assertThat(m.string(DicomTags.SOPInstanceUID)).isNotBlank();
      assertThat(m.bulkDataUri(0x7FE00010)).isPresent();
    });
  }

  @Test
  void partialStowFailureIsReportedPerInstance() throws Exception {
    Path good = TestSeries.images("ct-24x38x3-dcmqi").get(0);
    StowResult r = client.store(StowRequest.builder()
        .addFile(good)
        .addBytes("this is not a DICOM file".getBytes(StandardCharsets.US_ASCII), "garbage.bin")
        .build());

    // Orthanc answers 400 although it stored the good instance, and its Failed SOP Sequence is
    // empty (it cannot name a part it could not parse): the outcomes say exactly that.
    assertThat(r.httpStatus()).isEqualTo(400);
    assertThat(r.allStored()).isFalse();
    assertThat(r.storedCount()).isEqualTo(1);
    assertThat(r.outcomes()).hasSize(2);
    assertThat(r.outcomes().get(0).status()).isEqualTo(StowOutcome.Status.STORED);
    assertThat(r.outcomes().get(0).sopInstanceUid()).isEqualTo(TestSeries.sopUid(good));
    assertThat(r.outcomes().get(1).label()).isEqualTo("garbage.bin");
    assertThat(r.outcomes().get(1).status()).isEqualTo(StowOutcome.Status.NOT_REPORTED);
    assertThat(r.outcomes().get(1).stored()).isFalse();
    assertThat(client.search(QidoQuery.instances().match("SOPInstanceUID", TestSeries.sopUid(good)).build())).hasSize(1);
  }

  @Test
  void stowIntoTheWrongStudyFailsForThatInstance() throws Exception {
    Path other = TestSeries.images("ct-tiny4-pydicom").get(0);
    StowResult r = client.store(TestSeries.studyUid(CT.get(0)), StowRequest.builder().addFile(other).build());
    assertThat(r.httpStatus()).isEqualTo(409);
    assertThat(r.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(StowOutcome.Status.FAILED);
      assertThat(o.partIndex()).isZero();
      assertThat(o.sopInstanceUid()).isEqualTo(TestSeries.sopUid(other));
      assertThat(o.failureReason()).isEqualTo(0x0110); // processing failure
    });
  }

  @Test
  void inMemoryDatasetIsStoredWithoutAFile() throws Exception {
    AttributeList ds = TestSeries.read(TestSeries.images("ct-tiny4-pydicom").get(1));
    String newUid = "2.25." + new java.math.BigInteger(1, java.util.UUID.randomUUID().toString().replace("-", "").getBytes(StandardCharsets.US_ASCII)).mod(java.math.BigInteger.TEN.pow(30));
    com.pixelmed.dicom.Attribute a = new com.pixelmed.dicom.UniqueIdentifierAttribute(TagFromName.SOPInstanceUID);
    a.addValue(newUid);
    ds.put(a);
    StowResult r = client.store(StowRequest.builder().addDataset(ds).build());
    assertThat(r.allStored()).isTrue();
    assertThat(r.outcomes()).singleElement().extracting(StowOutcome::sopInstanceUid).isEqualTo(newUid);
  }

  @Test
  void aSegStreamedByStowRsArrivesAsWritten(@TempDir Path tmp) throws Exception {
    // Issue 16: the SEG's pixel data is made while the request body is sent (StowRequest.addStreamed).
    AssembledSeries series = SeriesAssembler.create().withPixels(false)
        .addDirectory(CT.get(0).getParent()).assemble();
    byte[] labels = new byte[(int) series.geometry().voxelCount()];
    for (int i = 0; i < labels.length; i += 7) labels[i] = (byte) (1 + i % 2);
    CodedConcept structure = CodedConcept.sct("123037004", "Anatomical Structure");
    List<SegmentDescription> segments = List.of(
        new SegmentDescription(1, "Liver", structure, CodedConcept.sct("10200004", "Liver"), null,
            SegmentDescription.AlgorithmType.AUTOMATIC, "test", null),
        new SegmentDescription(2, "Spleen", structure, CodedConcept.sct("78961009", "Spleen"), null,
            SegmentDescription.AlgorithmType.AUTOMATIC, "test", null));
    Segmentation seg = SegmentationBuilder.forSource(series)
        .labels(new LabelVolume(series.geometry(), labels), segments).uidSeed("stow-streamed").build();
    new StowSegDestination(client).store(seg);

    Path written = tmp.resolve("seg.dcm");
    seg.writeTo(written);
    AttributeList expected = TestSeries.read(written);
    try (InstanceStream s = client.retrieveSeries(TestSeries.studyUid(CT.get(0)), seg.seriesInstanceUid())) {
      assertThat(s.next()).isTrue();
      assertThat(s.sopInstanceUid()).isEqualTo(seg.sopInstanceUid());
      AttributeList received = new AttributeList();
      try (InputStream in = s.body()) {
        received.read(new DicomInputStream(in));
      }
      assertThat(received.get(TagFromName.PixelData).getByteValues()).isEqualTo(expected.get(TagFromName.PixelData).getByteValues());
      assertThat(TestSeries.string(received, TagFromName.NumberOfFrames)).isEqualTo(Integer.toString(seg.frameCount()));
      assertThat(s.next()).isFalse();
    }
  }

  @Test
  void unknownSeriesIsATypedError() {
    assertThatThrownBy(() -> client.seriesMetadata("1.2.3.4", "1.2.3.4.5"))
        .isInstanceOfSatisfying(DicomWebException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.retrieveSeries("1.2.3.4", "1.2.3.4.5").close())
        .isInstanceOfSatisfying(DicomWebException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
