using System.Numerics.Tensors;
using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Training;

/// <summary>Settings of <see cref="LeNetTrainer.Train"/>.</summary>
public sealed record LeNetOptions
{
    /// <summary>Channels of the first convolution.</summary>
    public int Conv1Channels { get; init; } = 4;

    /// <summary>Channels of the second convolution.</summary>
    public int Conv2Channels { get; init; } = 8;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Seed of the initialisation and the shuffles.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// A small deterministic trainer for a LeNet-style CNN on 28×28 one-channel images: Conv C1 5×5 → ReLU →
/// MaxPool 2×2 → Conv C2 5×5 → ReLU → MaxPool 2×2 → Flatten (C2·4·4) → Dense → classes, with softmax
/// cross-entropy and Adam (Kingma &amp; Ba 2015); single-threaded with a seeded <see cref="Random"/>, so a given
/// seed gives the same weights on the same runtime. Convolutions run row by row with <see cref="TensorPrimitives"/>.
/// </summary>
public static class LeNetTrainer
{
    private const int K = 5, H0 = 28, H1 = 24, P1 = 12, H2 = 8, P2 = 4;

    /// <summary>Trains on (x, label) pairs (each x 784 floats, a 28×28 image row-major); returns the float network (logits out).</summary>
    /// <param name="x">Samples of 784 values.</param>
    /// <param name="labels">Labels in [0, classes).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="options">Hyper-parameters; null = defaults.</param>
    /// <param name="progress">Called after every epoch with (epoch, mean loss); may be null.</param>
    /// <exception cref="ArgumentException">No samples, a label count that differs, or a sample that is not 28×28.</exception>
    public static Network Train(IReadOnlyList<float[]> x, IReadOnlyList<int> labels, int classes, LeNetOptions? options = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new LeNetOptions();
        if (x.Count == 0 || x.Count != labels.Count) throw new ArgumentException("need as many labels as samples, at least one");
        if (x.Any(r => r.Length != H0 * H0)) throw new ArgumentException("every sample must be a 28×28 image (784 values)");
        int c1 = options.Conv1Channels, c2 = options.Conv2Channels, f = c2 * P2 * P2, nc = classes;
        var rng = new Random(options.Seed);
        var k1 = new float[c1 * K * K]; var b1 = new float[c1];
        var k2 = new float[c2 * c1 * K * K]; var b2 = new float[c2];
        var w3 = new float[f * nc]; var b3 = new float[nc];
        Init(k1, K * K); Init(k2, c1 * K * K); Init(w3, f);
        void Init(float[] a, int fanIn) { float s = MathF.Sqrt(2f / fanIn); for (int i = 0; i < a.Length; i++) a[i] = TrainingMath.Gaussian(rng) * s; }
        var p = new[] { k1, b1, k2, b2, w3, b3 };
        var g = p.Select(a => new float[a.Length]).ToArray();
        var m = p.Select(a => new float[a.Length]).ToArray();
        var v = p.Select(a => new float[a.Length]).ToArray();
        int step = 0;

        var z1 = new float[c1 * H1 * H1]; var a1 = new float[c1 * P1 * P1]; var arg1 = new int[c1 * P1 * P1];
        var z2 = new float[c2 * H2 * H2]; var a2 = new float[f]; var arg2 = new int[f];
        var logits = new float[nc];
        var dz2 = new float[c2 * H2 * H2]; var da1 = new float[c1 * P1 * P1]; var dz1 = new float[c1 * H1 * H1]; var df = new float[f];
        var order = Enumerable.Range(0, x.Count).ToArray();
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
                    ConvForward(xi, 1, H0, k1, b1, c1, z1, H1);
                    TensorPrimitives.Max(z1, 0f, z1);
                    MaxPool(z1, c1, H1, a1, arg1);
                    ConvForward(a1, c1, P1, k2, b2, c2, z2, H2);
                    TensorPrimitives.Max(z2, 0f, z2);
                    MaxPool(z2, c2, H2, a2, arg2);
                    b3.CopyTo(logits, 0);
                    for (int k = 0; k < f; k++) if (a2[k] != 0f) TensorPrimitives.MultiplyAdd(w3.AsSpan(k * nc, nc), a2[k], logits, logits);
                    // backward: dlogits = softmax − onehot, scaled by 1/batch
                    lossSum += TrainingMath.SoftmaxCrossEntropyBackward(logits, y, inv);
                    TensorPrimitives.Add(g[5], logits, g[5]);
                    for (int k = 0; k < f; k++)
                    {
                        if (a2[k] != 0f) TensorPrimitives.MultiplyAdd(logits, a2[k], g[4].AsSpan(k * nc, nc), g[4].AsSpan(k * nc, nc));
                        df[k] = TensorPrimitives.Dot(w3.AsSpan(k * nc, nc), logits);
                    }
                    // through pool 2 and relu 2 (a ReLU output of 0 passes no gradient)
                    Array.Clear(dz2);
                    for (int k = 0; k < f; k++) if (z2[arg2[k]] > 0f) dz2[arg2[k]] += df[k];
                    ConvBackward(a1, c1, P1, k2, c2, dz2, H2, g[2], g[3], da1);
                    Array.Clear(dz1);
                    for (int k = 0; k < da1.Length; k++) if (z1[arg1[k]] > 0f) dz1[arg1[k]] += da1[k];
                    ConvBackward(xi, 1, H0, k1, c1, dz1, H1, g[0], g[1], null);
                }
                step++;
                TrainingMath.AdamStep(p, g, m, v, step, options.LearningRate);
            }
            progress?.Invoke(epoch + 1, lossSum / x.Count);
        }
        var g1 = new Conv2dGeometry(1, H0, H0, c1, K, K, 1, 1, 0, 0, 0, 0);
        var q1 = new Conv2dGeometry(c1, H1, H1, c1, 2, 2, 2, 2, 0, 0, 0, 0);
        var g2 = new Conv2dGeometry(c1, P1, P1, c2, K, K, 1, 1, 0, 0, 0, 0);
        var q2 = new Conv2dGeometry(c2, H2, H2, c2, 2, 2, 2, 2, 0, 0, 0, 0);
        return Network.FromStages(
        [
            new ConvLayer(g1, k1, b1, Activation.Relu, "conv1"),
            new PoolLayer(LayerKind.MaxPool, q1, name: "pool1"),
            new ConvLayer(g2, k2, b2, Activation.Relu, "conv2"),
            new PoolLayer(LayerKind.MaxPool, q2, name: "pool2"),
            new DenseLayer(f, nc, w3, b3, Activation.None, "fc"),
        ], "lenet-mnist");
    }

    /// <summary>z[o, y, :] = b[o] + Σ_{i, dy, dx} k[o, i, dy, dx]·in[i, y + dy, dx : dx + outH] (valid, stride 1).</summary>
    private static void ConvForward(float[] input, int cin, int inH, float[] k, float[] b, int cout, float[] z, int outH)
    {
        for (int o = 0; o < cout; o++)
        {
            z.AsSpan(o * outH * outH, outH * outH).Fill(b[o]);
            for (int i = 0; i < cin; i++)
                for (int dy = 0; dy < K; dy++)
                    for (int dx = 0; dx < K; dx++)
                    {
                        float kv = k[((o * cin + i) * K + dy) * K + dx];
                        for (int y = 0; y < outH; y++)
                        {
                            var zr = z.AsSpan((o * outH + y) * outH, outH);
                            TensorPrimitives.MultiplyAdd(input.AsSpan((i * inH + y + dy) * inH + dx, outH), kv, zr, zr);
                        }
                    }
        }
    }

    /// <summary>Accumulates dK, db and (when <paramref name="dIn"/> is not null) overwrites dIn for z = conv(in, k) + b.</summary>
    private static void ConvBackward(float[] input, int cin, int inH, float[] k, int cout, float[] dz, int outH, float[] dk, float[] db, float[]? dIn)
    {
        if (dIn != null) Array.Clear(dIn);
        for (int o = 0; o < cout; o++)
        {
            db[o] += TensorPrimitives.Sum(dz.AsSpan(o * outH * outH, outH * outH));
            for (int i = 0; i < cin; i++)
                for (int dy = 0; dy < K; dy++)
                    for (int dx = 0; dx < K; dx++)
                    {
                        int ki = ((o * cin + i) * K + dy) * K + dx;
                        float acc = 0, kv = k[ki];
                        for (int y = 0; y < outH; y++)
                        {
                            var dzr = dz.AsSpan((o * outH + y) * outH, outH);
                            int row = (i * inH + y + dy) * inH + dx;
                            acc += TensorPrimitives.Dot(dzr, input.AsSpan(row, outH));
                            if (dIn != null) TensorPrimitives.MultiplyAdd(dzr, kv, dIn.AsSpan(row, outH), dIn.AsSpan(row, outH));
                        }
                        dk[ki] += acc;
                    }
        }
    }

    /// <summary>2×2 max pooling with stride 2; arg holds the index into z of each maximum (the first on ties).</summary>
    private static void MaxPool(float[] z, int ch, int h, float[] a, int[] arg)
    {
        int ph = h / 2;
        for (int c = 0; c < ch; c++)
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < ph; x++)
                {
                    int best = (c * h + 2 * y) * h + 2 * x;
                    foreach (int e in (ReadOnlySpan<int>)[best + 1, best + h, best + h + 1])
                        if (z[e] > z[best]) best = e;
                    int o = (c * ph + y) * ph + x;
                    a[o] = z[best];
                    arg[o] = best;
                }
    }
}
