// Metadata for the source images, built from their dcmjs-parsed datasets, in the module shapes
// @cornerstonejs/core and the SEG adapter ask for (what OHIF's DICOM loaders provide).
export class SourceMetadata {
  constructor() {
    this.datasets = new Map();
    this.custom = new Map();
  }

  add(imageId, dataset) {
    this.datasets.set(imageId, dataset);
  }

  sopInstanceUid(imageId) {
    return this.datasets.get(imageId)?.SOPInstanceUID ?? null;
  }

  // The adapter registers the SEG itself under its own id.
  addCustomMetadata(imageId, type, value) {
    this.custom.set(`${type}|${imageId}`, value);
  }

  get(type, imageId) {
    const custom = this.custom.get(`${type}|${imageId}`);
    if (custom) return custom;
    const ds = this.datasets.get(imageId);
    if (!ds) return undefined;
    const iop = (ds.ImageOrientationPatient ?? []).map(Number);
    const spacing = (ds.PixelSpacing ?? [1, 1]).map(Number);
    switch (type) {
      case 'instance':
        return ds;
      case 'generalImageModule':
        return { sopInstanceUID: ds.SOPInstanceUID, instanceNumber: Number(ds.InstanceNumber) };
      case 'generalSeriesModule':
        return { modality: ds.Modality, seriesInstanceUID: ds.SeriesInstanceUID, studyInstanceUID: ds.StudyInstanceUID };
      case 'sopCommonModule':
        return { sopClassUID: ds.SOPClassUID, sopInstanceUID: ds.SOPInstanceUID };
      case 'imagePlaneModule':
        return {
          frameOfReferenceUID: ds.FrameOfReferenceUID,
          rows: ds.Rows,
          columns: ds.Columns,
          imageOrientationPatient: iop,
          rowCosines: iop.slice(0, 3),
          columnCosines: iop.slice(3, 6),
          imagePositionPatient: (ds.ImagePositionPatient ?? []).map(Number),
          sliceThickness: ds.SliceThickness !== undefined ? Number(ds.SliceThickness) : undefined,
          pixelSpacing: spacing,
          rowPixelSpacing: spacing[0],
          columnPixelSpacing: spacing[1],
        };
      case 'imagePixelModule':
        return {
          samplesPerPixel: ds.SamplesPerPixel ?? 1,
          photometricInterpretation: ds.PhotometricInterpretation,
          rows: ds.Rows,
          columns: ds.Columns,
          bitsAllocated: ds.BitsAllocated,
          bitsStored: ds.BitsStored,
          highBit: ds.HighBit,
          pixelRepresentation: ds.PixelRepresentation,
        };
      case 'modalityLutModule':
        return { rescaleSlope: Number(ds.RescaleSlope ?? 1), rescaleIntercept: Number(ds.RescaleIntercept ?? 0) };
      default:
        return undefined;
    }
  }
}
