package dev.rehearsal.backend;

/**
 * How a VAE's decoder scores an image's pixels (values in [0, 1]) in a likelihood estimate
 * ({@link Backend#importanceLogWeights}), from its logits {@code l}:
 * <ul>
 *   <li>{@code gaussian}: a unit-variance Gaussian around the decoder's mean {@code sigmoid(l)},
 *       {@code log p(x | z) = -1/2 sum_d (x_d - sigmoid(l_d))^2 - D/2 log 2 pi}: what van de Ven, Li and Tolias's
 *       generative classifier computes ({@code estimate_lls} in GMvandeVen/continual-learning, models/vae.py,
 *       which leaves out the constant that every class shares), although its VAEs train on the Bernoulli term;</li>
 *   <li>{@code bernoulli}: the likelihood the VAEs train with (their binary cross-entropy),
 *       {@code log p(x | z) = sum_d x_d l_d - softplus(l_d)}.</li>
 * </ul>
 */
public enum PixelLikelihood implements dev.rehearsal.Word {
    GAUSSIAN,
    BERNOULLI;

    @Override
    public String id() {
        return dev.rehearsal.Word.idOf(this);
    }
}
