package org.secaimed.tests.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.dimse.AeTitle;
import org.secaimed.dicom.dimse.DimseClient;
import org.secaimed.dicom.dimse.DimseException;
import org.secaimed.dicom.dimse.DimsePeer;
import org.secaimed.dicom.dimse.DimseQuery;
import org.secaimed.dicom.dimse.QueryLevel;
import org.secaimed.dicom.dimse.RetrieveResult;
import org.secaimed.dicom.dimse.StoreResult;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.pipeline.DimseSegDestination;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.volume.LabelVolume;
import org.secaimed.dicom.web.DicomTags;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.InstanceStream;
import org.secaimed.dicom.web.QidoQuery;
import org.secaimed.tests.servers.FreePorts;
import org.secaimed.tests.servers.OrthancServer;
import org.secaimed.tests.servers.StoreScp;

/** C-ECHO, C-STORE (files and in-memory), C-FIND, C-GET and C-MOVE from our client to a real Orthanc. */
class DimseOrthancTest {
  @RegisterExtension static final OrthancServer PACS = OrthancServer.builder().aeTitle("DIMSEPACS").build();

  static final List<Path> CT = TestSeries.images("ct-24x38x3-dcmqi");
  static final String STUDY = TestSeries.studyUid(CT.get(0));
  static final String SERIES = TestSeries.seriesUid(CT.get(0));
  static DimseClient client;
  static StoreResult stored;

  @BeforeAll
  static void storeSeries() throws Exception {
    client = new DimseClient(AeTitle.of("SECAIMEDSCU"), new DimsePeer("127.0.0.1", PACS.dicomPort(), AeTitle.of(PACS.aeTitle())), Duration.ofSeconds(60));
    stored = client.store(CT);
  }

  @Test
  void echoAnswers() throws Exception {
    client.echo();
  }

  @Test
  void echoToNobodyFailsNamingThePeer() {
    DimseClient nobody = new DimseClient(AeTitle.of("SECAIMEDSCU"), new DimsePeer("127.0.0.1", FreePorts.pick(), AeTitle.of("NOBODY")), Duration.ofSeconds(20));
    assertThatThrownBy(nobody::echo).isInstanceOf(DimseException.class).hasMessageContaining("C-ECHO NOBODY@127.0.0.1");
  }

  @Test
  void storeOfFilesReportsEachInstance() {
    assertThat(stored.allStored()).isTrue();
    assertThat(stored.outcomes()).extracting(o -> o.sopInstanceUid())
        .containsExactlyInAnyOrderElementsOf(CT.stream().map(TestSeries::sopUid).toList());
  }

  @Test
  void storeOfAnInMemoryDatasetNeedsNoFile() throws Exception {
    AttributeList ds = TestSeries.read(TestSeries.images("ct-tiny4-pydicom").get(2));
    String uid = "2.25." + Math.abs(java.util.UUID.randomUUID().getMostSignificantBits());
    UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID);
    a.addValue(uid);
    ds.put(a);

    StoreResult r = client.store(ds);

    assertThat(r.allStored()).isTrue();
    assertThat(r.outcomes()).singleElement().extracting(o -> o.sopInstanceUid()).isEqualTo(uid);
    // Check through the other protocol: Orthanc indexed it.
    DicomWebClient web = DicomWebClient.builder(PACS.dicomWebUrl()).build();
    assertThat(web.search(QidoQuery.instances().match("SOPInstanceUID", uid).build()))
        .singleElement().extracting(o -> o.string(DicomTags.SOPInstanceUID)).isEqualTo(uid);
  }

  /** A two-segment BINARY SEG over the stored CT (24x38 frames: a whole number of bytes). */
  static Segmentation seg(String seed) throws Exception {
    AssembledSeries series = SeriesAssembler.create().withPixels(false).addDirectory(CT.get(0).getParent()).assemble();
    byte[] labels = new byte[(int) series.geometry().voxelCount()];
    for (int i = 0; i < labels.length; i += 5) labels[i] = (byte) (1 + i % 2);
    CodedConcept structure = CodedConcept.sct("123037004", "Anatomical Structure");
    List<SegmentDescription> segments = List.of(
        new SegmentDescription(1, "Liver", structure, CodedConcept.sct("10200004", "Liver"), null, SegmentDescription.AlgorithmType.AUTOMATIC, "test", null),
        new SegmentDescription(2, "Spleen", structure, CodedConcept.sct("78961009", "Spleen"), null, SegmentDescription.AlgorithmType.AUTOMATIC, "test", null));
    return SegmentationBuilder.forSource(series).labels(new LabelVolume(series.geometry(), labels), segments).uidSeed(seed).build();
  }

  @Test
  void aSegStreamedByCStoreArrivesAsWritten(@TempDir Path tmp) throws Exception {
    // Issue 16: the SEG's pixel data is made while the association carries it (Kaapana's CTP path).
    Segmentation seg = seg("c-store-streamed");
    new DimseSegDestination(client).store(seg);

    Path written = tmp.resolve("seg.dcm");
    seg.writeTo(written);
    DicomWebClient web = DicomWebClient.builder(PACS.dicomWebUrl()).build();
    try (InstanceStream s = web.retrieveSeries(STUDY, seg.seriesInstanceUid())) {
      assertThat(s.next()).isTrue();
      assertThat(s.sopInstanceUid()).isEqualTo(seg.sopInstanceUid());
      AttributeList received = new AttributeList();
      try (InputStream in = s.body()) {
        received.read(new DicomInputStream(in));
      }
      assertThat(received.get(TagFromName.PixelData).getByteValues()).isEqualTo(TestSeries.read(written).get(TagFromName.PixelData).getByteValues());
      assertThat(s.next()).isFalse();
    }
  }

  @Test
  void aWriterThatFailsMidwayStoresNothing() throws Exception {
    Segmentation seg = seg("c-store-fails");
    assertThatThrownBy(() -> client.storeStreamed(seg.sopClassUid(), seg.sopInstanceUid(), out -> {
      java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
      try {
        seg.writeTo(whole);
      } catch (org.secaimed.dicom.seg.SegmentationException e) {
        throw new java.io.IOException(e);
      }
      out.write(whole.toByteArray(), 0, whole.size() - 100); // all but the end of the pixel data
      throw new java.io.IOException("label map failed its check");
    })).isInstanceOf(DimseException.class);
    DicomWebClient web = DicomWebClient.builder(PACS.dicomWebUrl()).build();
    assertThat(web.search(QidoQuery.instances().match("SOPInstanceUID", seg.sopInstanceUid()).build())).isEmpty();
  }

  @Test
  void findReturnsTheSeriesWithRequestedKeys() throws Exception {
    List<AttributeList> found = client.find(DimseQuery.at(QueryLevel.SERIES).match("StudyInstanceUID", STUDY)
        .returnKey("Modality").returnKey("NumberOfSeriesRelatedInstances").build());
    assertThat(found).singleElement().satisfies(s -> {
      assertThat(TestSeries.string(s, TagFromName.SeriesInstanceUID)).isEqualTo(SERIES);
      assertThat(TestSeries.string(s, TagFromName.Modality)).isEqualTo("CT");
      assertThat(TestSeries.string(s, TagFromName.NumberOfSeriesRelatedInstances)).isEqualTo("3");
    });
    assertThat(client.find(DimseQuery.at(QueryLevel.SERIES).match("StudyInstanceUID", "1.2.3.999").build())).isEmpty();
  }

  @Test
  void getRetrievesEveryInstanceOfTheSeries(@TempDir Path dir) throws Exception {
    RetrieveResult r = client.getSeries(STUDY, SERIES, dir);
    assertThat(r.count()).isEqualTo(3);
    for (RetrieveResult.Received rec : r.received()) {
      assertThat(Files.size(rec.file())).isPositive();
      assertThat(CT.stream().map(TestSeries::sopUid)).contains(TestSeries.sopUid(rec.file()));
    }
  }

  @Test
  void moveDeliversTheSeriesToARegisteredDestination() throws Exception {
    try (StoreScp dest = StoreScp.start("MOVEDEST")) {
      PACS.addModality("movedest", dest.aeTitle(), "127.0.0.1", dest.port());
      client.moveSeries(STUDY, SERIES, AeTitle.of(dest.aeTitle()));
      assertThat(dest.received()).hasSize(3);
      assertThat(dest.received().stream().map(TestSeries::sopUid))
          .containsExactlyInAnyOrderElementsOf(CT.stream().map(TestSeries::sopUid).toList());
    }
  }

  @Test
  void moveToAnUnknownDestinationFailsWithItsStatus() {
    assertThatThrownBy(() -> client.moveSeries(STUDY, SERIES, AeTitle.of("UNKNOWNDEST")))
        .isInstanceOfSatisfying(DimseException.class, e -> {
          assertThat(e.status()).as(e.getMessage()).isNotNull();
          assertThat(e.getMessage()).contains("UNKNOWNDEST");
        });
  }
}
