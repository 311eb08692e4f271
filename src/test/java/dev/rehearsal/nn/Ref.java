package dev.rehearsal.nn;

/**
 * A double-precision reference of every op, written for clarity only: the oracle the float backends are
 * checked against, itself checked against finite differences. Matrices are dense row-major double[].
 */
final class Ref {
    private Ref() {
    }

    /** y [B, OUT] = act(x [B, IN] w^T + b). */
    static double[] linear(double[] x, double[] w, double[] b, int batch, int in, int out, boolean relu) {
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = relu ? Math.max(s, 0) : s;
            }
        }
        return y;
    }

    /** Given dy (already through the activation): returns {dx, dw, db}. */
    static double[][] linearBackward(double[] dy, double[] x, double[] w, int batch, int in, int out) {
        double[] dx = new double[batch * in];
        double[] dw = new double[out * in];
        double[] db = new double[out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double g = dy[r * out + o];
                db[o] += g;
                for (int i = 0; i < in; i++) {
                    dx[r * in + i] += g * w[o * in + i];
                    dw[o * in + i] += g * x[r * in + i];
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    static double[] reluMask(double[] dy, double[] y) {
        double[] dx = new double[dy.length];
        for (int i = 0; i < dy.length; i++) {
            dx[i] = y[i] > 0 ? dy[i] : 0;
        }
        return dx;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double logSumExp(double[] z, int at, int lo, int hi, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = lo; j < hi; j++) {
            max = Math.max(max, z[at + j] * scale);
        }
        double s = 0;
        for (int j = lo; j < hi; j++) {
            s += Math.exp(z[at + j] * scale - max);
        }
        return max + Math.log(s);
    }

    /** weight * sum_r CE over [lo, hi); grad into dz (all columns). */
    static double crossEntropy(double[] z, int[] labels, int rows, int cols, int lo, int hi, double weight,
            double[] dz) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(z, r * cols, lo, hi, 1);
            total += lse - z[r * cols + labels[r]];
            for (int j = 0; j < cols; j++) {
                double p = j >= lo && j < hi ? Math.exp(z[r * cols + j] - lse) : 0;
                dz[r * cols + j] = j >= lo && j < hi ? weight * (p - (j == labels[r] ? 1 : 0)) : 0;
            }
        }
        return weight * total;
    }

    static double softCrossEntropy(double[] z, double[] q, int rows, int cols, int lo, int hi, double t,
            double weight, double[] dz) {
        double total = 0;
        int k = hi - lo;
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(z, r * cols, lo, hi, 1 / t);
            for (int j = 0; j < cols; j++) {
                dz[r * cols + j] = 0;
            }
            for (int j = lo; j < hi; j++) {
                double logp = z[r * cols + j] / t - lse;
                total -= q[r * k + j - lo] * logp;
                dz[r * cols + j] = weight * t * (Math.exp(logp) - q[r * k + j - lo]);
            }
        }
        return weight * t * t * total;
    }

    static double bce(double[] x, double[] target, double weight, double[] dx) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += Math.max(x[i], 0) - x[i] * target[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
            dx[i] = weight * (sigmoid(x[i]) - target[i]);
        }
        return weight * total;
    }

    /** KL(N(mu, e^lv) || N(0,1)) * weight; adds grads. */
    static double kl(double[] mu, double[] lv, double weight, double[] dmu, double[] dlv) {
        double total = 0;
        for (int i = 0; i < mu.length; i++) {
            total += -0.5 * (1 + lv[i] - mu[i] * mu[i] - Math.exp(lv[i]));
            dmu[i] += weight * mu[i];
            dlv[i] += weight * 0.5 * (Math.exp(lv[i]) - 1);
        }
        return weight * total;
    }

    /**
     * The Monte-Carlo KL against a Gaussian mixture, weight times the sum over rows of
     * {@code log q(z|x) - log sum_k w_k N(z; M_k, e^L_k)} with {@code z = mu + e^(lv/2) eps}, log 2 pi left out
     * (it cancels); adds the analytic gradients (times weight) to dmu, dlv, dM, dL. Written from the density
     * directly, without the kernels' max shift.
     */
    static double mixtureKl(double[] mu, double[] lv, double[] eps, double[] means, double[] logvars, double[] w,
            int rows, int zn, int k, double weight, double[] dmu, double[] dlv, double[] dM, double[] dL) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] z = new double[zn];
            double logq = 0;
            for (int j = 0; j < zn; j++) {
                z[j] = mu[r * zn + j] + Math.exp(lv[r * zn + j] / 2) * eps[r * zn + j];
                logq += -0.5 * (lv[r * zn + j] + eps[r * zn + j] * eps[r * zn + j]);
            }
            double[] dens = new double[k];
            double p = 0;
            for (int c = 0; c < k; c++) {
                double logN = 0;
                for (int j = 0; j < zn; j++) {
                    double d = z[j] - means[c * zn + j];
                    logN += -0.5 * (logvars[c * zn + j] + d * d / Math.exp(logvars[c * zn + j]));
                }
                dens[c] = w[r * k + c] * Math.exp(logN);
                p += dens[c];
            }
            total += logq - Math.log(p);
            for (int j = 0; j < zn; j++) {
                double g = 0;
                for (int c = 0; c < k; c++) {
                    g += dens[c] / p * (z[j] - means[c * zn + j]) / Math.exp(logvars[c * zn + j]);
                }
                dmu[r * zn + j] += weight * g;
                dlv[r * zn + j] += weight * (-0.5 + g * eps[r * zn + j] * Math.exp(lv[r * zn + j] / 2) / 2);
            }
            for (int c = 0; c < k; c++) {
                double resp = dens[c] / p;
                for (int j = 0; j < zn; j++) {
                    double d = z[j] - means[c * zn + j];
                    double var = Math.exp(logvars[c * zn + j]);
                    dM[c * zn + j] += -weight * resp * d / var;
                    dL[c * zn + j] += weight * 0.5 * resp * (1 - d * d / var);
                }
            }
        }
        return weight * total;
    }
}
