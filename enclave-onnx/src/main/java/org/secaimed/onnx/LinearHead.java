package org.secaimed.onnx;

/**
 * A replacement for a model's final 1x1 layer: {@code classes} linear functions of the
 * {@code channels} feature maps ({@code weights[c * (channels + 1) + f]}, bias last). Fine-tuning in
 * the enclave fits one of these on a site's data; everything before it stays the provider's.
 */
public record LinearHead(int channels, int classes, float[] weights) {
  public LinearHead {
    if (channels < 1 || classes < 2) throw new IllegalArgumentException("a head needs at least 1 channel and 2 classes");
    if (weights.length != classes * (channels + 1)) {
      throw new IllegalArgumentException("a head of " + classes + " classes over " + channels + " channels has " + classes * (channels + 1) + " weights, not " + weights.length);
    }
    for (float w : weights) if (!Float.isFinite(w)) throw new IllegalArgumentException("head weights must be finite");
    weights = weights.clone();
  }

  @Override
  public float[] weights() {
    return weights.clone();
  }

  /** Class scores ({@code classes} planes) from feature maps ({@code channels} planes of {@code plane} pixels). */
  public float[] scores(float[] features, int plane) {
    if (features.length != channels * plane) throw new IllegalArgumentException("expected " + channels + " feature planes of " + plane + " pixels");
    float[] out = new float[classes * plane];
    int stride = channels + 1;
    for (int c = 0; c < classes; c++) {
      float bias = weights[c * stride + channels];
      int o = c * plane;
      java.util.Arrays.fill(out, o, o + plane, bias);
      for (int f = 0; f < channels; f++) {
        float w = weights[c * stride + f];
        int in = f * plane;
        for (int p = 0; p < plane; p++) out[o + p] += w * features[in + p];
      }
    }
    return out;
  }
}
