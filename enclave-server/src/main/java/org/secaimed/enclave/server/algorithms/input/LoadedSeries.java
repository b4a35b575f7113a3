package org.secaimed.enclave.server.algorithms.input;

import org.secaimed.dicom.exchange.SourceReference;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.volume.ImageVolume;

/** An image series assembled into a volume, with the UIDs a result must refer back to. */
public record LoadedSeries(String modality, ImageVolume volume, SourceReference source, AssembledSeries assembled) {}
