package org.secaimed.dicom.web;

/** Transfer syntax UIDs the client asks for or recognises. */
public final class TransferSyntaxes {
  private TransferSyntaxes() {}

  public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
  /** What WADO-RS requests: every PACS can transcode to it and PixelMed decodes it without codecs. */
  public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
  public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
  public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
  public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";
  public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
}
