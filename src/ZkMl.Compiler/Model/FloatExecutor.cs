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
        foreach (var layer in network.Layers)
        {
            var z = new float[layer.OutputSize];
            Affine(layer, a, z);
            Activate(layer.Activation, z);
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
    internal static void Activate(Activation act, Span<float> z)
    {
        switch (act)
        {
            case Activation.None: break;
            case Activation.Relu: TensorPrimitives.Max(z, 0f, z); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, z); break;
            case Activation.Tanh: TensorPrimitives.Tanh(z, z); break;
            default: throw new ArgumentOutOfRangeException(nameof(act), act, "unknown activation");
        }
    }
}
