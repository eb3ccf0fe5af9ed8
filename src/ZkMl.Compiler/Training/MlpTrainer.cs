using System.Numerics.Tensors;
using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Training;

/// <summary>Settings of <see cref="MlpTrainer.Train"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>Hidden layer width.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the initialisation and the shuffles.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// A small deterministic trainer for a one-hidden-layer ReLU MLP with softmax cross-entropy and
/// Adam (Kingma &amp; Ba 2015), single-threaded with a seeded <see cref="Random"/>, so a given seed
/// always yields the same weights on the same runtime.
/// </summary>
public static class MlpTrainer
{
    /// <summary>Trains in → Hidden (ReLU) → classes on (x, label) pairs; returns the float network (no Softmax; logits out).</summary>
    /// <param name="x">Samples, all of the same length.</param>
    /// <param name="labels">Labels in [0, classes).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="options">Hyper-parameters; null = defaults.</param>
    /// <param name="progress">Called after every epoch with (epoch, mean loss); may be null.</param>
    public static Network Train(IReadOnlyList<float[]> x, IReadOnlyList<int> labels, int classes, TrainingOptions? options = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new TrainingOptions();
        if (x.Count == 0 || x.Count != labels.Count) throw new ArgumentException("need as many labels as samples, at least one");
        int n = x[0].Length, h = options.Hidden, c = classes;
        var rng = new Random(options.Seed);
        var w1 = new float[n * h]; var b1 = new float[h];
        var w2 = new float[h * c]; var b2 = new float[c];
        float s1 = MathF.Sqrt(2f / n), s2 = MathF.Sqrt(2f / h);
        for (int i = 0; i < w1.Length; i++) w1[i] = TrainingMath.Gaussian(rng) * s1;
        for (int i = 0; i < w2.Length; i++) w2[i] = TrainingMath.Gaussian(rng) * s2;
        var p = new[] { w1, b1, w2, b2 };
        var g = p.Select(a => new float[a.Length]).ToArray();
        var m = p.Select(a => new float[a.Length]).ToArray();
        var v = p.Select(a => new float[a.Length]).ToArray();
        int step = 0;
        var order = Enumerable.Range(0, x.Count).ToArray();
        var hid = new float[h]; var logits = new float[c]; var dh = new float[h];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            double lossSum = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                int end = Math.Min(order.Length, start + options.BatchSize);
                foreach (var a in g) Array.Clear(a);
                float inv = 1f / (end - start);
                for (int t = start; t < end; t++)
                {
                    var xi = x[order[t]];
                    int y = labels[order[t]];
                    // forward
                    b1.CopyTo(hid, 0);
                    for (int k = 0; k < n; k++) if (xi[k] != 0f) TensorPrimitives.MultiplyAdd(w1.AsSpan(k * h, h), xi[k], hid, hid);
                    TensorPrimitives.Max(hid, 0f, hid);
                    b2.CopyTo(logits, 0);
                    for (int k = 0; k < h; k++) if (hid[k] != 0f) TensorPrimitives.MultiplyAdd(w2.AsSpan(k * c, c), hid[k], logits, logits);
                    // backward: dlogits = softmax − onehot, scaled by 1/batch
                    lossSum += TrainingMath.SoftmaxCrossEntropyBackward(logits, y, inv);
                    TensorPrimitives.Add(g[3], logits, g[3]);
                    for (int k = 0; k < h; k++)
                    {
                        if (hid[k] == 0f) { dh[k] = 0; continue; }
                        TensorPrimitives.MultiplyAdd(logits, hid[k], g[2].AsSpan(k * c, c), g[2].AsSpan(k * c, c));
                        dh[k] = TensorPrimitives.Dot(w2.AsSpan(k * c, c), logits);
                    }
                    TensorPrimitives.Add(g[1], dh, g[1]);
                    for (int k = 0; k < n; k++) if (xi[k] != 0f) TensorPrimitives.MultiplyAdd(dh, xi[k], g[0].AsSpan(k * h, h), g[0].AsSpan(k * h, h));
                }
                step++;
                TrainingMath.AdamStep(p, g, m, v, step, options.LearningRate);
            }
            progress?.Invoke(epoch + 1, lossSum / x.Count);
        }
        return new Network(
        [
            new DenseLayer(n, h, w1, b1, Activation.Relu, "fc1"),
            new DenseLayer(h, c, w2, b2, Activation.None, "fc2"),
        ], "mnist-mlp");
    }
}
