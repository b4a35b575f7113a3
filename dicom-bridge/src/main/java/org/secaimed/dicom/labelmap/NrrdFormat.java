package org.secaimed.dicom.labelmap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * NRRD (attached header, raw or gzip encoding) label maps, as ITK and dcmqi write them:
 * {@code space directions} are per-axis vectors (direction x spacing), {@code space origin} the
 * centre of voxel 0. Spaces LPS, RAS and LAS are converted to LPS. Hand-written: NRRD's header is a
 * few text lines and no maintained Java reader is on Maven Central.
 */
final class NrrdFormat {
  private NrrdFormat() {}

  static LabelMapImage read(byte[] file, String source) throws LabelMapException {
    if (file.length < 8 || !new String(file, 0, 4, StandardCharsets.US_ASCII).equals("NRRD")) {
      throw new LabelMapException(Reason.UNREADABLE, source + ": not a NRRD file (no NRRD magic)");
    }
    Map<String, String> fields = new HashMap<>();
    int pos = 0, dataStart = -1;
    boolean firstLine = true;
    while (pos < file.length) {
      int end = pos;
      while (end < file.length && file[end] != '\n') end++;
      if (end >= file.length) break;
      String line = new String(file, pos, end - pos, StandardCharsets.ISO_8859_1);
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      pos = end + 1;
      if (firstLine) { firstLine = false; continue; }
      if (line.isEmpty()) { dataStart = pos; break; }
      if (line.startsWith("#") || line.contains(":=")) continue;
      int colon = line.indexOf(": ");
      if (colon < 0) throw new LabelMapException(Reason.UNREADABLE, source + ": malformed header line '" + line + "'");
      fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 2).trim());
    }
    if (dataStart < 0) throw new LabelMapException(Reason.UNREADABLE, source + ": header has no end (truncated?)");
    if (fields.containsKey("data file") || fields.containsKey("datafile")) {
      throw new LabelMapException(Reason.UNSUPPORTED, source + ": detached NRRD data files are not supported");
    }
    int dim = parseInt(require(fields, "dimension", source), source, "dimension");
    String[] sizeText = require(fields, "sizes", source).split("\\s+");
    if (dim != 3 || sizeText.length != 3) {
      throw new LabelMapException(Reason.UNSUPPORTED, source + ": " + dim + "-D NRRD (a label map is 3-D)");
    }
    int[] sizes = new int[3];
    for (int a = 0; a < 3; a++) sizes[a] = parseInt(sizeText[a], source, "sizes");
    VoxelValues.Type type = type(require(fields, "type", source), source);
    String space = fields.getOrDefault("space", "left-posterior-superior").toLowerCase(Locale.ROOT);
    double[] flip = switch (space) {
      case "left-posterior-superior", "lps" -> new double[] {1, 1, 1};
      case "right-anterior-superior", "ras" -> new double[] {-1, -1, 1};
      case "left-anterior-superior", "las" -> new double[] {1, -1, 1};
      default -> throw new LabelMapException(Reason.UNSUPPORTED, source + ": space '" + space + "'");
    };
    double[][] vectors = new double[3][];
    if (fields.containsKey("space directions")) {
      String[] v = fields.get("space directions").trim().split("\\)\\s*");
      if (v.length != 3) throw new LabelMapException(Reason.UNSUPPORTED, source + ": space directions must give 3 spatial vectors");
      for (int a = 0; a < 3; a++) vectors[a] = vector(v[a], source);
    } else if (fields.containsKey("spacings")) {
      String[] s = fields.get("spacings").split("\\s+");
      for (int a = 0; a < 3; a++) {
        vectors[a] = new double[3];
        vectors[a][a] = Double.parseDouble(s[a]);
      }
    } else {
      throw new LabelMapException(Reason.UNSUPPORTED, source + ": no space directions or spacings");
    }
    double[] origin = fields.containsKey("space origin") ? vector(fields.get("space origin"), source) : new double[3];
    double[] spacing = new double[3];
    double[][] dirs = new double[3][3];
    for (int a = 0; a < 3; a++) {
      double len = Math.sqrt(vectors[a][0] * vectors[a][0] + vectors[a][1] * vectors[a][1] + vectors[a][2] * vectors[a][2]);
      if (!(len > 0)) throw new LabelMapException(Reason.UNREADABLE, source + ": zero-length space direction " + a);
      spacing[a] = len;
      for (int r = 0; r < 3; r++) dirs[a][r] = flip[r] * vectors[a][r] / len;
    }
    for (int r = 0; r < 3; r++) origin[r] *= flip[r];
    String encoding = fields.getOrDefault("encoding", "raw").toLowerCase(Locale.ROOT);
    byte[] data;
    switch (encoding) {
      case "raw" -> data = java.util.Arrays.copyOfRange(file, dataStart, file.length);
      case "gzip", "gz" -> {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(file, dataStart, file.length - dataStart))) {
          data = in.readAllBytes();
        } catch (IOException e) {
          throw new LabelMapException(Reason.UNREADABLE, source + ": gzip data is corrupt or truncated: " + e.getMessage(), e);
        }
      }
      default -> throw new LabelMapException(Reason.UNSUPPORTED, source + ": encoding '" + encoding + "'");
    }
    ByteOrder order = "big".equalsIgnoreCase(fields.getOrDefault("endian", "little")) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    byte[] labels = VoxelValues.toLabels(ByteBuffer.wrap(data).order(order), type, sizes[0] * sizes[1] * sizes[2], 1, 0, source);
    return new LabelMapImage(sizes, spacing, origin, dirs, labels, source);
  }

  static void write(LabelVolume volume, OutputStream out) throws IOException {
    ImageGeometry g = volume.geometry();
    double[] s = g.spacing();
    double[][] d = {g.rowDirection(), g.columnDirection(), g.sliceDirection()};
    StringBuilder h = new StringBuilder("NRRD0004\n# written by secaimed\n");
    h.append("type: unsigned char\ndimension: 3\nspace: left-posterior-superior\n");
    h.append("sizes: ").append(g.columns()).append(' ').append(g.rows()).append(' ').append(g.slices()).append('\n');
    h.append("space directions:");
    for (int a = 0; a < 3; a++) h.append(' ').append(vec(d[a][0] * s[a], d[a][1] * s[a], d[a][2] * s[a]));
    h.append("\nkinds: domain domain domain\nendian: little\nencoding: gzip\n");
    double[] o = g.origin();
    h.append("space origin: ").append(vec(o[0], o[1], o[2])).append("\n\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    GZIPOutputStream gz = new GZIPOutputStream(out);
    gz.write(volume.labels());
    gz.finish();
  }

  private static String vec(double x, double y, double z) {
    return "(" + num(x) + "," + num(y) + "," + num(z) + ")";
  }

  private static String num(double v) {
    return v == 0 ? "0" : Double.toString(v);
  }

  private static double[] vector(String text, String source) throws LabelMapException {
    String t = text.trim().replace("(", "").replace(")", "");
    String[] p = t.split(",");
    if (p.length != 3) throw new LabelMapException(Reason.UNREADABLE, source + ": vector '" + text + "'");
    try {
      return new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()), Double.parseDouble(p[2].trim())};
    } catch (NumberFormatException e) {
      throw new LabelMapException(Reason.UNREADABLE, source + ": vector '" + text + "'");
    }
  }

  private static VoxelValues.Type type(String t, String source) throws LabelMapException {
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "signed char", "int8", "int8_t" -> VoxelValues.Type.INT8;
      case "uchar", "unsigned char", "uint8", "uint8_t" -> VoxelValues.Type.UINT8;
      case "short", "short int", "signed short", "signed short int", "int16", "int16_t" -> VoxelValues.Type.INT16;
      case "ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t" -> VoxelValues.Type.UINT16;
      case "int", "signed int", "int32", "int32_t" -> VoxelValues.Type.INT32;
      case "uint", "unsigned int", "uint32", "uint32_t" -> VoxelValues.Type.UINT32;
      case "float" -> VoxelValues.Type.FLOAT32;
      case "double" -> VoxelValues.Type.FLOAT64;
      default -> throw new LabelMapException(Reason.UNSUPPORTED, source + ": NRRD type '" + t + "'");
    };
  }

  private static String require(Map<String, String> f, String key, String source) throws LabelMapException {
    String v = f.get(key);
    if (v == null) throw new LabelMapException(Reason.UNREADABLE, source + ": header field '" + key + "' is missing");
    return v;
  }

  private static int parseInt(String s, String source, String field) throws LabelMapException {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new LabelMapException(Reason.UNREADABLE, source + ": " + field + " '" + s + "'");
    }
  }
}
