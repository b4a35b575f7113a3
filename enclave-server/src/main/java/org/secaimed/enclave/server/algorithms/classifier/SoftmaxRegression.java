package org.secaimed.enclave.server.algorithms.classifier;

/**
 * Multinomial logistic regression trained by full-batch gradient descent with Adam steps and a
 * small L2 penalty. Small and exact enough for a handful of features; a library (Smile, Tribuo)
 * could replace it, but would add a large dependency for forty lines of arithmetic.
 */
public final class SoftmaxRegression {
  private SoftmaxRegression() {}

  /** Trained weights {@code w[c][f]} (last column is the bias) and the final mean cross-entropy. */
  public record Fit(double[][] weights, double loss, double accuracy) {}

  /** {@code x[n][f]} standardised features, {@code y[n]} class indices 0..classes-1. */
  public static Fit train(double[][] x, int[] y, int classes, int iterations, double learningRate, double l2) {
    int n = x.length, f = x[0].length + 1;
    double[][] w = new double[classes][f];
    double[][] m = new double[classes][f], v = new double[classes][f];
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    double loss = Double.NaN;
    double[] p = new double[classes];
    for (int it = 1; it <= iterations; it++) {
      double[][] grad = new double[classes][f];
      loss = 0;
      for (int s = 0; s < n; s++) {
        probabilities(w, x[s], p);
        loss -= Math.log(Math.max(1e-12, p[y[s]]));
        for (int c = 0; c < classes; c++) {
          double g = p[c] - (c == y[s] ? 1 : 0);
          for (int k = 0; k < f - 1; k++) grad[c][k] += g * x[s][k];
          grad[c][f - 1] += g;
        }
      }
      loss /= n;
      for (int c = 0; c < classes; c++) {
        for (int k = 0; k < f; k++) {
          double g = grad[c][k] / n + (k < f - 1 ? l2 * w[c][k] : 0);
          m[c][k] = beta1 * m[c][k] + (1 - beta1) * g;
          v[c][k] = beta2 * v[c][k] + (1 - beta2) * g * g;
          double mh = m[c][k] / (1 - Math.pow(beta1, it)), vh = v[c][k] / (1 - Math.pow(beta2, it));
          w[c][k] -= learningRate * mh / (Math.sqrt(vh) + eps);
        }
      }
    }
    int correct = 0;
    for (int s = 0; s < n; s++) if (argmax(w, x[s]) == y[s]) correct++;
    return new Fit(w, loss, (double) correct / n);
  }

  static void probabilities(double[][] w, double[] x, double[] p) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < w.length; c++) {
      double z = w[c][x.length];
      for (int k = 0; k < x.length; k++) z += w[c][k] * x[k];
      p[c] = z;
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int c = 0; c < w.length; c++) {
      p[c] = Math.exp(p[c] - max);
      sum += p[c];
    }
    for (int c = 0; c < w.length; c++) p[c] /= sum;
  }

  static int argmax(double[][] w, double[] x) {
    int best = 0;
    double bestZ = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < w.length; c++) {
      double z = w[c][x.length];
      for (int k = 0; k < x.length; k++) z += w[c][k] * x[k];
      if (z > bestZ) {
        bestZ = z;
        best = c;
      }
    }
    return best;
  }
}
