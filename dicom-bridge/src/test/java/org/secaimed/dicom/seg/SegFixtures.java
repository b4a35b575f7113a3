package org.secaimed.dicom.seg;

import static org.secaimed.dicom.testsupport.TestData.dicom;

import java.nio.file.Path;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.metadata.DcmqiMetadata;
import org.secaimed.dicom.metadata.SegmentationMetadata;
import org.secaimed.dicom.volume.LabelVolume;

/** One CT/label-map/metadata triple from the shared data, loaded the way the CLI loads it. */
record SegFixtures(AssembledSeries series, LabelVolume labels, SegmentationMetadata metadata) {

  static SegFixtures load(String folder, String labelFile, String metadataFile) throws Exception {
    AssembledSeries series = SeriesAssembler.create().withPixels(false).addDirectory(dicom(folder)).assemble();
    LabelVolume labels = LabelMapAlignment.onto(LabelMapFiles.read(dicom(folder + "/" + labelFile)), series.geometry());
    SegmentationMetadata md = DcmqiMetadata.read(dicom("dcmqi-metadata/examples/" + metadataFile));
    return new SegFixtures(series, labels, md);
  }

  static Path path(String folder, String file) {
    return dicom(folder + "/" + file);
  }
}
