package dev.aha.runtime.optim;

import com.typesafe.config.Config;

/**
 * AdamW (Loshchilov and Hutter) with global gradient-norm clipping.
 *
 * @param learningRate step size
 * @param beta1 decay of the first-moment estimate
 * @param beta2 decay of the second-moment estimate
 * @param eps added to the root of the second moment
 * @param weightDecay decoupled decay, applied to tensors of rank 2 (matrices and embeddings, as nanoGPT), never to
 *     biases or LayerNorm parameters
 * @param maxGradNorm clip the global L2 norm of all gradients to this (0 = no clipping)
 */
public record AdamWSettings(
        double learningRate, double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {

    public AdamWSettings {
        positive("learningRate", learningRate);
        inUnit("beta1", beta1);
        inUnit("beta2", beta2);
        positive("eps", eps);
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, was " + weightDecay);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0, was " + maxGradNorm);
        }
    }

    /** Reads {@code aha.optimizer} (see reference.conf). */
    public static AdamWSettings fromConfig(Config optimizer) {
        return new AdamWSettings(optimizer.getDouble("learning-rate"), optimizer.getDouble("beta1"),
                optimizer.getDouble("beta2"), optimizer.getDouble("eps"), optimizer.getDouble("weight-decay"),
                optimizer.getDouble("max-grad-norm"));
    }

    public static AdamWSettings defaults(double learningRate) {
        return new AdamWSettings(learningRate, 0.9, 0.99, 1e-8, 0.0, 1.0);
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be positive and finite, was " + v);
        }
    }

    private static void inUnit(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), was " + v);
        }
    }
}
