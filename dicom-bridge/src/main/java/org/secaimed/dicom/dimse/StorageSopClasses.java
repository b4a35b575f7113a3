package org.secaimed.dicom.dimse;

import com.pixelmed.dicom.SOPClass;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The Storage SOP classes a C-GET offers to receive. C-GET sub-operations arrive on the same
 * association, so every class the peer may send must be negotiated up front (SCP role); a class
 * missing here makes its instances fail silently on the peer's side. An association carries at
 * most 128 presentation contexts, so this is a curated list for imaging research, not everything.
 */
public final class StorageSopClasses {
  private StorageSopClasses() {}

  /** Label Map Segmentation Storage (DICOM Sup 243); newer than the PixelMed release we use. */
  public static final String LABEL_MAP_SEGMENTATION = "1.2.840.10008.5.1.4.1.1.66.7";
  /** Height Map Segmentation Storage (DICOM Sup 240). */
  public static final String HEIGHT_MAP_SEGMENTATION = "1.2.840.10008.5.1.4.1.1.66.8";

  /** Images a segmentation or training task reads, plus the derived objects that live next to them. */
  public static Set<String> forRetrieval() {
    Set<String> s = new LinkedHashSet<>();
    s.add(SOPClass.CTImageStorage);
    s.add(SOPClass.EnhancedCTImageStorage);
    s.add(SOPClass.LegacyConvertedEnhancedCTImageStorage);
    s.add(SOPClass.MRImageStorage);
    s.add(SOPClass.EnhancedMRImageStorage);
    s.add(SOPClass.LegacyConvertedEnhancedMRImageStorage);
    s.add(SOPClass.PETImageStorage);
    s.add(SOPClass.EnhancedPETImageStorage);
    s.add(SOPClass.LegacyConvertedEnhancedPETImageStorage);
    s.add(SOPClass.NuclearMedicineImageStorage);
    s.add(SOPClass.UltrasoundImageStorage);
    s.add(SOPClass.UltrasoundMultiframeImageStorage);
    s.add(SOPClass.ComputedRadiographyImageStorage);
    s.add(SOPClass.DigitalXRayImageStorageForPresentation);
    s.add(SOPClass.DigitalXRayImageStorageForProcessing);
    s.add(SOPClass.XRayAngiographicImageStorage);
    s.add(SOPClass.SecondaryCaptureImageStorage);
    s.add(SOPClass.ParametricMapStorage);
    s.add(SOPClass.SegmentationStorage);
    s.add(LABEL_MAP_SEGMENTATION);
    s.add(SOPClass.SurfaceSegmentationStorage);
    s.add(SOPClass.RTStructureSetStorage);
    s.add(SOPClass.RTDoseStorage);
    s.add(SOPClass.RTPlanStorage);
    s.add(SOPClass.RTImageStorage);
    s.add(SOPClass.BasicTextSRStorage);
    s.add(SOPClass.EnhancedSRStorage);
    s.add(SOPClass.ComprehensiveSRStorage);
    s.add(SOPClass.Comprehensive3DSRStorage);
    s.add(SOPClass.KeyObjectSelectionDocumentStorage);
    s.add(SOPClass.GrayscaleSoftcopyPresentationStateStorage);
    s.add(SOPClass.SpatialRegistrationStorage);
    s.add(SOPClass.DeformableSpatialRegistrationStorage);
    s.add(SOPClass.EncapsulatedPDFStorage);
    s.add(SOPClass.RawDataStorage);
    return s;
  }
}
