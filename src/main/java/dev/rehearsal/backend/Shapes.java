package dev.rehearsal.backend;

import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;

/** Argument checks shared by both backends: they fail fast with the shapes and what was expected. */
public final class Shapes {
    private Shapes() {
    }

    public static void dtype(Tensor t, DType expected, String what) {
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + ", got " + t.dtype() + " (" + t + ")");
        }
    }

    public static void shape(Tensor t, int rows, int cols, String what) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected [" + rows + ", " + cols + "], got [" + t.rows()
                    + ", " + t.cols() + "] (" + t + ")");
        }
    }

    public static void sameShape(Tensor a, Tensor b, String what) {
        shape(b, a.rows(), a.cols(), what);
    }

    public static void dense(Tensor t, String what) {
        if (!t.isDense()) {
            throw new IllegalArgumentException(what + " must be a dense view, got " + t);
        }
    }

    /** x [B, IN], w [OUT, IN], y [B, OUT], b [1, OUT] or null. */
    public static void linear(Tensor y, Tensor x, Tensor w, Tensor b) {
        dtype(x, DType.F32, "linear input");
        dtype(w, DType.F32, "linear weight");
        dtype(y, DType.F32, "linear output");
        shape(w, w.rows(), x.cols(), "linear weight [OUT, IN] must match input [B, IN]");
        shape(y, x.rows(), w.rows(), "linear output [B, OUT]");
        dense(w, "linear weight");
        if (b != null) {
            dtype(b, DType.F32, "linear bias");
            shape(b, 1, w.rows(), "linear bias [1, OUT]");
        }
    }

    public static void workspace(Tensor ws, long needed, String op) {
        long have = ws == null ? 0 : ws.numel();
        if (needed > have) {
            throw new IllegalStateException(op + " needs " + needed + " floats of workspace, the model planned "
                    + have + ": plan the model for this batch size");
        }
        if (ws != null) {
            dense(ws, "workspace");
        }
    }

    /** Class range [lo, hi) within the logits' columns. */
    public static void classRange(Tensor logits, int lo, int hi) {
        if (lo < 0 || hi > logits.cols() || lo >= hi) {
            throw new IllegalArgumentException("class range [" + lo + ", " + hi + ") outside logits [" + logits.rows()
                    + ", " + logits.cols() + "]");
        }
    }

    public static void labels(Tensor labels, int rows) {
        dtype(labels, DType.I32, "labels");
        shape(labels, rows, 1, "labels [B, 1]");
    }
}
