package dev.rehearsal.replay;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/**
 * Prototypes plus a small generator (the reference report's own proposal: "store few, carefully chosen
 * prototypes of each class and a trained generative model which adds small random noise to each sample").
 * The prototypes are a class-balanced {@link ReplayBuffer} (herding chooses them, any {@link Storage}). The
 * generator is, per group (a class of a task), a low-rank Gaussian: the top {@code k} principal directions
 * {@code v_i} of the group's training images and their variances {@code lambda_i}, fitted after the task. A
 * replayed row is a prototype of its group, translated by up to {@code shift} pixels in each direction
 * (uniformly; or warped by a random rotation, scaling and translation, see the second constructor), plus
 * {@code sum_i z_i sqrt(lambda_i) v_i} with {@code z ~ N(0, I_k)}:
 * <pre>
 * x = shift(p, dx, dy) + U_g z,    U_g = [sqrt(lambda_1) v_1 ... sqrt(lambda_k) v_k]   (D x k)
 * </pre>
 * Pixels are not clipped to [0, 1] (the solver is an MLP; clipping would bias the noise's mean).
 *
 * <p>What it keeps (replay memory, {@link #bytes()} is all of it and {@link #keptBytes} the part kept after
 * each task): the prototypes as stored, and per fitted group its k scaled directions as int8 codes
 * ({@code codes U8 [G * k, D]}, read as signed) with one float32 scale per direction ({@code scales [1, G*k]}):
 * k (D + 4) bytes a group. Scratch a draw reuses (not replay memory, rebuilt from the codes): the directions
 * decoded to float32 as one GEMM operand {@code weights [D, G*k]}, the draw's normal draws {@code z [B, G*k]}
 * (zero outside each row's group), its noise {@code [B, D]}, a copy of its prototypes and its shifts. So the
 * noise of a draw of B rows is one GEMM of B x D x G k MACs (counted, zero blocks included).
 *
 * <p>Fitting: up to {@link #FIT_SAMPLES} training images of the group (a random subset), centred, and 20
 * steps of subspace iteration with Gram-Schmidt in double, on the heap, after the task.
 */
public final class PrototypeReplay implements ReplaySource {
    /** Training images of a group the directions are fitted on, at most. */
    public static final int FIT_SAMPLES = 1000;
    private static final int ITERATIONS = 20;

    private final Backend backend;
    private final Scenario scenario;
    private final ReplayBuffer prototypes;
    private final int rank;
    private final int shift;
    private final float rotate;
    private final float scale;
    private final int width;
    private final int features;
    private final int groups;
    private final boolean[] fitted;
    private final Arena kept;
    private final Tensor codes;
    private final Tensor scales;
    private final Arena scratch;
    private final Tensor weights;
    private final Tensor z;
    private final Tensor noise;
    private final Tensor copy;
    private final Tensor shifts;
    private final Tensor maps;
    private final Tensor workspace;
    private final float[] zHeap;
    private final int[] shiftHeap;
    private final float[] mapHeap;
    private final int[] slots;

    /**
     * @param prototypes the class-balanced buffer holding the prototypes (its owner closes it)
     * @param rank       k, directions per group (0: no noise)
     * @param shift      the largest translation in pixels (0: none); needs square images
     * @param maxDraw    the most rows one draw asks for
     */
    public PrototypeReplay(Backend backend, Scenario scenario, ReplayBuffer prototypes, int rank, int shift,
            int maxDraw) {
        this(backend, scenario, prototypes, rank, shift, 0, 0, maxDraw);
    }

    /**
     * With {@code rotate} (degrees) or {@code scale} (a fraction) above 0, a replayed prototype is warped by a
     * random affine map instead of shifted: rotated uniformly in [-rotate, rotate], scaled uniformly in
     * [1 - scale, 1 + scale] and translated uniformly in [-shift, shift] pixels in each direction, sampled
     * bilinearly ({@link Backend#warpImages}).
     */
    public PrototypeReplay(Backend backend, Scenario scenario, ReplayBuffer prototypes, int rank, int shift,
            double rotate, double scale, int maxDraw) {
        this.backend = backend;
        this.rotate = (float) rotate;
        this.scale = (float) scale;
        this.scenario = scenario;
        this.prototypes = prototypes;
        this.rank = rank;
        this.shift = shift;
        this.features = scenario.train().features();
        this.width = (int) Math.round(Math.sqrt(features));
        if ((shift > 0 || rotate > 0 || scale > 0) && width * width != features) {
            throw new IllegalArgumentException("translating prototypes needs square images, got " + features
                    + " pixels");
        }
        this.groups = prototypes.groups();
        this.fitted = new boolean[groups];
        int gk = Math.max(1, groups * rank);
        this.kept = backend.newArena("prototype_generator");
        this.scratch = backend.newArena("prototype_scratch");
        try {
            this.codes = Tensor.of(kept.allocate("codes", DType.U8, (long) gk * features), gk, features);
            this.scales = Tensor.of(kept.allocate("scales", DType.F32, gk), 1, gk);
            this.weights = Tensor.of(scratch.allocate("weights", DType.F32, (long) features * gk), features, gk);
            this.z = Tensor.of(scratch.allocate("z", DType.F32, (long) maxDraw * gk), maxDraw, gk);
            this.noise = Tensor.of(scratch.allocate("noise", DType.F32, (long) maxDraw * features), maxDraw,
                    features);
            this.copy = Tensor.of(scratch.allocate("copy", DType.F32, (long) maxDraw * features), maxDraw, features);
            this.shifts = Tensor.of(scratch.allocate("shifts", DType.I32, 2L * maxDraw), maxDraw, 2);
            this.maps = Tensor.of(scratch.allocate("maps", DType.F32, 6L * maxDraw), maxDraw, 6);
            long ws = Math.max(1, backend.linearWorkspace(maxDraw, gk, features));
            this.workspace = Tensor.of(scratch.allocateWorkspace("workspace", ws), 1, (int) ws);
            backend.fill(weights, 0f);
        } catch (RuntimeException | Error e) {
            scratch.close();
            kept.close();
            throw e;
        }
        this.zHeap = new float[maxDraw * gk];
        this.shiftHeap = new int[2 * maxDraw];
        this.mapHeap = new float[6 * maxDraw];
        this.slots = new int[maxDraw];
    }

    /** Bytes a fitted group's directions keep: k int8 codes a pixel and k float32 scales. */
    public static long generatorBytesPerGroup(int rank, int features) {
        return (long) rank * (features + DType.F32.bytes());
    }

    public ReplayBuffer prototypes() {
        return prototypes;
    }

    public int rank() {
        return rank;
    }

    /** The replay memory after the tasks so far: stored prototypes and the fitted groups' directions. */
    public long keptBytes() {
        long n = prototypes.storedBytes();
        for (boolean f : fitted) {
            n += f ? generatorBytesPerGroup(rank, features) : 0;
        }
        return n;
    }

    /** The off-heap blocks kept for replay (codes and scales; the prototypes are the buffer's). */
    public List<Block> generatorBlocks() {
        return kept.blocks();
    }

    /** The scratch blocks of a draw. */
    public List<Block> scratchBlocks() {
        return scratch.blocks();
    }

    /**
     * After a task: fits the directions of each of its groups on (up to {@link #FIT_SAMPLES} of) its
     * training images, as the model sees them (permuted in permuted scenarios).
     */
    public void fit(Task task, Rng rng) {
        if (rank == 0) {
            for (int c = task.lo(); c < task.hi(); c++) {
                fitted[prototypes.groupOf(task, c)] = true;
            }
            return;
        }
        TaskImages images = new TaskImages(scenario);
        int[] targets = task.trainTargets();
        for (int c = task.lo(); c < task.hi(); c++) {
            int[] members = new int[targets.length];
            int n = 0;
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] == c) {
                    members[n++] = i;
                }
            }
            rng.shuffle(members, n);
            n = Math.min(n, FIT_SAMPLES);
            double[][] x = new double[n][features];
            double[] mean = new double[features];
            for (int s = 0; s < n; s++) {
                byte[] row = images.read(task, task.trainIndices()[members[s]]);
                for (int j = 0; j < features; j++) {
                    x[s][j] = (row[j] & 0xff) / 255.0;
                    mean[j] += x[s][j];
                }
            }
            for (int j = 0; j < features; j++) {
                mean[j] /= Math.max(1, n);
            }
            for (double[] xs : x) {
                for (int j = 0; j < features; j++) {
                    xs[j] -= mean[j];
                }
            }
            double[][] dirs = principalDirections(x, rank, rng);
            store(prototypes.groupOf(task, c), dirs);
        }
    }

    /**
     * The top {@code k} principal directions of the rows of centred {@code x} [n, D], each scaled by the
     * square root of its variance (sum of squared projections / n): subspace iteration, Gram-Schmidt.
     */
    static double[][] principalDirections(double[][] x, int k, Rng rng) {
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        double[][] v = new double[k][d];
        for (double[] vi : v) {
            for (int j = 0; j < d; j++) {
                vi[j] = rng.nextGaussian();
            }
        }
        orthonormalise(v);
        double[][] y = new double[n][k];
        for (int it = 0; it < ITERATIONS; it++) {
            project(x, v, y);
            for (double[] vi : v) {
                java.util.Arrays.fill(vi, 0);
            }
            for (int s = 0; s < n; s++) {
                for (int i = 0; i < k; i++) {
                    double a = y[s][i];
                    double[] vi = v[i];
                    double[] xs = x[s];
                    for (int j = 0; j < d; j++) {
                        vi[j] += a * xs[j];
                    }
                }
            }
            orthonormalise(v);
        }
        project(x, v, y);
        for (int i = 0; i < k; i++) {
            double var = 0;
            for (int s = 0; s < n; s++) {
                var += y[s][i] * y[s][i];
            }
            double sd = n == 0 ? 0 : Math.sqrt(var / n);
            for (int j = 0; j < d; j++) {
                v[i][j] *= sd;
            }
        }
        return v;
    }

    private static void project(double[][] x, double[][] v, double[][] y) {
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < v.length; i++) {
                double a = 0;
                for (int j = 0; j < x[s].length; j++) {
                    a += x[s][j] * v[i][j];
                }
                y[s][i] = a;
            }
        }
    }

    /** Gram-Schmidt on the rows; a row that vanishes stays zero. */
    private static void orthonormalise(double[][] v) {
        for (int i = 0; i < v.length; i++) {
            for (int m = 0; m < i; m++) {
                double dot = 0;
                for (int j = 0; j < v[i].length; j++) {
                    dot += v[i][j] * v[m][j];
                }
                for (int j = 0; j < v[i].length; j++) {
                    v[i][j] -= dot * v[m][j];
                }
            }
            double norm = 0;
            for (double a : v[i]) {
                norm += a * a;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < v[i].length; j++) {
                v[i][j] = norm > 1e-12 ? v[i][j] / norm : 0;
            }
        }
    }

    /** Quantises a group's scaled directions to int8 with one scale each, and decodes them into the GEMM operand. */
    private void store(int g, double[][] dirs) {
        byte[] q = new byte[features];
        for (int i = 0; i < rank; i++) {
            double top = 0;
            for (double a : dirs[i]) {
                top = Math.max(top, Math.abs(a));
            }
            float scale = (float) (top / 127);
            for (int j = 0; j < features; j++) {
                q[j] = (byte) (scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(dirs[i][j] / scale))));
            }
            int at = g * rank + i;
            codes.block().writeBytes(codes.offset() + (long) at * features, q, 0, features);
            scales.set(0, at, scale);
            decode(at);
        }
        fitted[g] = true;
    }

    /** Column {@code at} of the GEMM operand from its codes and scale. */
    private void decode(int at) {
        float[] column = direction(at / rank, at % rank);
        for (int j = 0; j < features; j++) {
            weights.set(j, at, column[j]);
        }
    }

    /** Direction i of group g as decoded from its codes (for reports and tests). */
    public float[] direction(int g, int i) {
        byte[] q = new byte[features];
        codes.block().readBytes(codes.offset() + (long) (g * rank + i) * features, q, 0, features);
        float s = scales.get(0, g * rank + i);
        float[] out = new float[features];
        for (int j = 0; j < features; j++) {
            out[j] = q[j] * s;
        }
        return out;
    }

    @Override
    public boolean isEmpty() {
        return prototypes.isEmpty();
    }

    @Override
    public void prepare(int n) {
        if (rank > 0 && n > 0) {
            backend.prepareLinearForward(noise.rows(0, n), z.rows(0, n), weights, null, Activation.NONE);
        }
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        List<Segment> segments = prototypes.draw(input, batch, from, n, outputs, rng, ledger);
        Tensor rows = input.rows(from, from + n);
        if (rotate > 0 || scale > 0) {
            backend.copy(copy.rows(0, n), rows);
            for (int r = 0; r < n; r++) {
                double theta = Math.toRadians(rotate * (2 * rng.nextDouble() - 1));
                double s = 1 + scale * (2 * rng.nextDouble() - 1);
                mapHeap[6 * r] = (float) (Math.cos(theta) / s);
                mapHeap[6 * r + 1] = (float) (Math.sin(theta) / s);
                mapHeap[6 * r + 2] = (float) (-Math.sin(theta) / s);
                mapHeap[6 * r + 3] = (float) (Math.cos(theta) / s);
                mapHeap[6 * r + 4] = (float) (shift * (2 * rng.nextDouble() - 1));
                mapHeap[6 * r + 5] = (float) (shift * (2 * rng.nextDouble() - 1));
            }
            maps.rows(0, n).copyFrom(mapHeap, 0);
            backend.warpImages(rows, copy.rows(0, n), maps.rows(0, n), width);
        } else if (shift > 0) {
            backend.copy(copy.rows(0, n), rows);
            int span = 2 * shift + 1;
            for (int i = 0; i < 2 * n; i++) {
                shiftHeap[i] = rng.nextInt(span) - shift;
            }
            shifts.rows(0, n).copyFrom(shiftHeap, 0);
            backend.shiftImages(rows, copy.rows(0, n), shifts.rows(0, n), width);
        }
        if (rank > 0) {
            Tensor idx = batch.indices(from, from + n);
            idx.block().readInts(idx.offset(), slots, 0, n);
            int gk = groups * rank;
            java.util.Arrays.fill(zHeap, 0, n * gk, 0f);
            for (int r = 0; r < n; r++) {
                rng.fillGaussian(zHeap, r * gk + prototypes.groupOfSlot(slots[r]) * rank, rank);
            }
            z.rows(0, n).copyFrom(zHeap, 0);
            backend.linearForward(noise.rows(0, n), z.rows(0, n), weights, null, Activation.NONE, workspace);
            backend.axpby(rows, noise.rows(0, n), 1f, 1f);
        }
        ledger.addSamples(Phase.GENERATION, n);
        return segments;
    }

    /** What this source allocated itself: the directions' codes and scales, and the scratch (not the buffer). */
    @Override
    public long bytes() {
        return kept.bytes() + scratch.bytes();
    }

    /** Saves the fitted directions (the prototypes are saved by their buffer). */
    public void saveState(java.util.Map<String, Tensor> tensors, com.fasterxml.jackson.databind.node.ObjectNode values) {
        tensors.put("proto.codes", codes);
        tensors.put("proto.scales", scales);
        var arr = values.putArray("proto.fitted");
        for (boolean f : fitted) {
            arr.add(f);
        }
    }

    /** Restores what {@link #saveState} saved and rebuilds the decoded directions. */
    public void restoreState(java.util.Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        var arr = values.path("proto.fitted");
        if (arr.size() != groups) {
            throw new IllegalStateException("checkpoint holds " + arr.size() + " prototype groups, expected " + groups);
        }
        tensors.get("proto.codes").copyInto(codes);
        tensors.get("proto.scales").copyInto(scales);
        for (int g = 0; g < groups; g++) {
            fitted[g] = arr.get(g).asBoolean();
            for (int i = 0; i < rank; i++) {
                decode(g * rank + i);
            }
        }
    }

    @Override
    public void close() {
        scratch.close();
        kept.close();
    }
}
