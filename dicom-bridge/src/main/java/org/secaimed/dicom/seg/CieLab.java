package org.secaimed.dicom.seg;

/**
 * sRGB (0..255) to and from DICOM's scaled CIELab (PS3.3 C.10.7.1.1: L 0..100 -> 0..65535,
 * a and b -128..127 -> 0..65535), through CIE XYZ with the D65 white point as dcmqi and highdicom do.
 */
public final class CieLab {
  private CieLab() {}

  private static final double XN = 0.95047, YN = 1.0, ZN = 1.08883;

  public static int[] fromRgb(int[] rgb) {
    double r = linear(rgb[0] / 255.0), g = linear(rgb[1] / 255.0), b = linear(rgb[2] / 255.0);
    double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
    double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
    double fx = f(x / XN), fy = f(y / YN), fz = f(z / ZN);
    double l = 116 * fy - 16, a = 500 * (fx - fy), bb = 200 * (fy - fz);
    return new int[] {
        clamp((int) Math.round(l * 65535 / 100)),
        clamp((int) Math.round((a + 128) * 65535 / 255)),
        clamp((int) Math.round((bb + 128) * 65535 / 255))};
  }

  public static int[] toRgb(int[] lab) {
    double l = lab[0] * 100.0 / 65535, a = lab[1] * 255.0 / 65535 - 128, b = lab[2] * 255.0 / 65535 - 128;
    double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
    double x = XN * finv(fx), y = YN * finv(fy), z = ZN * finv(fz);
    double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    double bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    return new int[] {to8(r), to8(g), to8(bl)};
  }

  private static double linear(double c) {
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  private static int to8(double c) {
    double s = c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
    return Math.max(0, Math.min(255, (int) Math.round(s * 255)));
  }

  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }

  private static double finv(double t) {
    return t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) * 27 / 24389;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(65535, v));
  }
}
