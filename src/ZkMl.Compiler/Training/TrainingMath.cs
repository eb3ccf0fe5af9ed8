namespace ZkMl.Compiler.Training;

/// <summary>The pieces <see cref="MlpTrainer"/> and <see cref="LeNetTrainer"/> share: initialisation, the softmax
/// cross-entropy gradient and the Adam step (Kingma &amp; Ba 2015), each in a fixed order so a seed stays reproducible.</summary>
internal static class TrainingMath
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;

    /// <summary>A standard normal sample (Box–Muller) from <paramref name="rng"/>.</summary>
    public static float Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>
    /// Returns the cross-entropy of softmax(<paramref name="logits"/>) at <paramref name="label"/> and overwrites the
    /// logits with its gradient (softmax − one-hot) scaled by <paramref name="scale"/> (1/batch).
    /// </summary>
    public static double SoftmaxCrossEntropyBackward(float[] logits, int label, float scale)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double z = 0;
        for (int j = 0; j < logits.Length; j++) z += Math.Exp(logits[j] - max);
        double loss = -(logits[label] - max - Math.Log(z));
        for (int j = 0; j < logits.Length; j++) logits[j] = (float)(Math.Exp(logits[j] - max) / z) * scale;
        logits[label] -= scale;
        return loss;
    }

    /// <summary>One bias-corrected Adam step (β₁ 0.9, β₂ 0.999, ε 1e-8) on every parameter array; <paramref name="step"/> counts from 1.</summary>
    public static void AdamStep(float[][] p, float[][] g, float[][] m, float[][] v, int step, float learningRate)
    {
        float c1 = 1 - MathF.Pow(Beta1, step), c2 = 1 - MathF.Pow(Beta2, step);
        float lr = learningRate * MathF.Sqrt(c2) / c1;
        for (int q = 0; q < p.Length; q++)
        {
            var pq = p[q]; var gq = g[q]; var mq = m[q]; var vq = v[q];
            for (int i = 0; i < pq.Length; i++)
            {
                mq[i] = Beta1 * mq[i] + (1 - Beta1) * gq[i];
                vq[i] = Beta2 * vq[i] + (1 - Beta2) * gq[i] * gq[i];
                pq[i] -= lr * mq[i] / (MathF.Sqrt(vq[i]) + Eps);
            }
        }
    }
}
