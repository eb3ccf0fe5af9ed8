using System.Numerics.Tensors;

namespace ZkMl.Compiler.Model;

/// <summary>
/// The float reference executor: runs a <see cref="Network"/> in float32 like onnxruntime does
/// (row · W accumulated with <see cref="TensorPrimitives"/> kernels).
/// </summary>
public static class FloatExecutor
{
    /// <summary>Runs one sample; returns the outputs of the last layer (after its activation).</summary>
    /// <exception cref="ArgumentException">The input length is not <see cref="Network.InputSize"/>.</exception>
    public static float[] Run(Network network, ReadOnlySpan<float> input)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (input.Length != network.InputSize)
            throw new ArgumentException($"input has {input.Length} values, the network expects {network.InputSize}", nameof(input));
        float[] a = input.ToArray();
        foreach (var layer in network.Stages)
        {
            var z = Linear(layer, a);
            Activate(layer.Activation, layer.ActivationAlpha, layer.ActivationBeta, z);
            a = z;
        }
        return a;
    }

    /// <summary>Runs every sample (each a flat row of InputSize floats).</summary>
    public static float[][] Run(Network network, IReadOnlyList<float[]> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var r = new float[batch.Count][];
        for (int b = 0; b < batch.Count; b++) r[b] = Run(network, batch[b]);
        return r;
    }

    /// <summary>The layer before its activation: a·W + b, the convolution plus bias, or the pooled values.</summary>
    internal static float[] Linear(NetworkLayer layer, ReadOnlySpan<float> a)
    {
        var z = new float[layer.OutputSize];
        switch (layer)
        {
            case DenseLayer d: Affine(d, a, z); break;
            case ConvLayer c: Conv(c, a, z); break;
            case PoolLayer p: Pool(p, a, z); break;
            default: throw new ArgumentException($"unknown layer type {layer.GetType().Name}", nameof(layer));
        }
        return z;
    }

    /// <summary>z[o, y, x] = b[o] + Σ_{i, dy, dx} K[o, i, dy, dx]·a[i, s·y + dy − p, s·x + dx − p] (zero outside), float32 like onnxruntime.</summary>
    internal static void Conv(ConvLayer layer, ReadOnlySpan<float> a, Span<float> z) =>
        layer.Geometry.Convolve(layer.Kernel, layer.Bias, a, z);

    /// <summary>Max pooling (padded positions ignored) or average pooling (window sum over KH·KW, padded positions 0).</summary>
    internal static void Pool(PoolLayer layer, ReadOnlySpan<float> a, Span<float> z)
    {
        var g = layer.Geometry;
        bool max = layer.Kind == LayerKind.MaxPool;
        g.ReduceWindows(max, float.NegativeInfinity, a, z);
        if (!max)
            foreach (ref float v in z[..(g.InC * g.OutH * g.OutW)]) v /= g.Window;
    }

    /// <summary>z = a · W + b (z is overwritten).</summary>
    internal static void Affine(DenseLayer layer, ReadOnlySpan<float> a, Span<float> z)
    {
        int n = layer.OutputSize;
        layer.Bias.CopyTo(z);
        var w = layer.Weights;
        for (int i = 0; i < a.Length; i++)
        {
            float ai = a[i];
            if (ai == 0f) continue;
            TensorPrimitives.MultiplyAdd(w.Slice(i * n, n), ai, z, z);
        }
    }

    /// <summary>Applies the activation in place.</summary>
    internal static void Activate(Activation act, Span<float> z) => Activate(act, 0, 0, z);

    internal static void Activate(Activation act, float alpha, float beta, Span<float> z)
    {
        if (act.HasParameters())
        {
            for (int i = 0; i < z.Length; i++) z[i] = (float)Apply(act, alpha, beta, z[i]);
            return;
        }
        switch (act)
        {
            case Activation.None: break;
            case Activation.Relu: TensorPrimitives.Max(z, 0f, z); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, z); break;
            case Activation.Tanh: TensorPrimitives.Tanh(z, z); break;
            default: throw new ArgumentOutOfRangeException(nameof(act), act, "unknown activation");
        }
    }

    /// <summary>A parameterized activation at one point, in double precision (also the compiler's table function).</summary>
    internal static double Apply(Activation act, double alpha, double beta, double x) => act switch
    {
        Activation.LeakyRelu => x >= 0 ? x : alpha * x,
        Activation.HardSigmoid => Math.Max(0, Math.Min(1, alpha * x + beta)),
        Activation.Elu => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        Activation.Gelu => beta == 1
            ? 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
            : 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.None => x,
        Activation.Relu => Math.Max(x, 0),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(act), act, "not an element-wise activation"),
    };

    /// <summary>erf(x) to about 1e-15 (series for |x| &lt; 3, continued fraction of erfc beyond).</summary>
    internal static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 3)
        {
            // erf(x) = 2/√π · Σ_n (−1)^n x^(2n+1) / (n!(2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(x) = e^(−x²)/√π · 1/(x + 1/2 / (x + 1 / (x + 3/2 / (x + …)))) (Lentz, from the tail)
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + k / 2.0 / f;
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
