package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.Operands;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;

/**
 * A VAE and one fixed batch of images in [0, 1), stepped as the trainer steps it: fresh reparameterisation
 * noise, zero gradients, forward, negative ELBO, backward, Adam (learning rate {@link
 * MlpTrainStep#BENCH_LR}, for the reason given there).
 */
public final class VaeTrainStep implements TrainStep {
    private final int batch;
    private final Vae vae;
    private final Rng noise = new Rng(2);

    public VaeTrainStep(Backend backend, Preset preset, int batch) {
        this.batch = batch;
        VaeSpec spec = preset.vae();
        Rng rng = new Rng(1);
        this.vae = new Vae(backend, "bench-vae", spec, batch, OptimizerConfig.adam(MlpTrainStep.BENCH_LR), rng);
        try {
            vae.image(batch).copyFrom(Operands.uniform(rng, batch * spec.input(), 0, 1));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public double run() {
        vae.sampleNoise(batch, noise);
        vae.zeroGrad();
        vae.forward(batch);
        double loss = vae.loss(0, batch, 1f / batch);
        vae.backward(batch);
        vae.optimizer().step();
        return loss;
    }

    @Override
    public void close() {
        vae.close();
    }
}
