using ZkMl.Compiler.Model;

namespace ZkMl.TestKit;

/// <summary>
/// Small conv and pooling networks with random weights (odd sizes, padding, stride 2, channels &gt; 1, conv → conv, average,
/// global average and max pooling, a final activation): the circuits of the C# conv proof tests and of the on-chain
/// differential tests, so that both suites prove the same shapes.
/// </summary>
public static class ConvNetworks
{
    /// <summary>The names <see cref="Build"/> knows.</summary>
    public static readonly string[] Names = ["conv-pad", "conv-conv", "avg", "max", "max-pad", "max-first"];

    /// <summary>FNV-1a over the name's UTF-16 code units, folded to 16 bits: the same in every process.</summary>
    public static int StableSeed(string name)
    {
        uint h = 2166136261;
        foreach (char ch in name) { h ^= ch; h *= 16777619; }
        return (int)((h ^ (h >> 16)) & 0xffff);
    }

    public static float[] Rand(Random rng, int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();

    public static ConvLayer Conv(Random rng, Conv2dGeometry g, Activation act, string name)
        => new(g, Rand(rng, g.OutC * g.InC * g.KH * g.KW, 0.6), Rand(rng, g.OutC, 0.1), act, name);

    public static DenseLayer Dense(Random rng, int n, int m, Activation act, string name)
        => new(n, m, Rand(rng, n * m, 0.4), Rand(rng, m, 0.1), act, name);

    /// <summary>
    /// The network named <paramref name="which"/> (deterministic: the weights' seed is a fixed hash of the name; not
    /// <c>string.GetHashCode</c>, which .NET randomises per process).
    /// </summary>
    public static Network Build(string which)
    {
        var rng = new Random(StableSeed(which));
        NetworkLayer[] stages = which switch
        {
            // 1×7×7, 3×3 pad 1 (odd sizes, padding) → dense
            "conv-pad" => [Conv(rng, new(1, 7, 7, 2, 3, 3, 1, 1, 1, 1, 1, 1), Activation.Relu, "conv"), Dense(rng, 2 * 7 * 7, 3, Activation.None, "fc")],
            // 2×9×9 stride 2 → 3×4×4, then conv → conv (2×2, asymmetric pad) with a sigmoid, then dense
            "conv-conv" => [Conv(rng, new(2, 9, 9, 3, 3, 3, 2, 2, 0, 0, 0, 0), Activation.Relu, "c1"),
                            Conv(rng, new(3, 4, 4, 2, 2, 3, 1, 1, 1, 0, 0, 2), Activation.Sigmoid, "c2"),
                            Dense(rng, 2 * 4 * 4, 4, Activation.None, "fc")],
            // conv → average pool 2×2 stride 2 (odd input: the last row/column dropped) → global average pool → dense
            "avg" => [Conv(rng, new(1, 6, 5, 3, 2, 2, 1, 1, 0, 0, 0, 0), Activation.Relu, "conv"),
                      new PoolLayer(LayerKind.AveragePool, new(3, 5, 4, 3, 2, 2, 2, 2, 0, 0, 0, 0), name: "avg"),
                      new PoolLayer(LayerKind.AveragePool, new(3, 2, 2, 3, 2, 2, 1, 1, 0, 0, 0, 0), Activation.Relu, name: "gap"),
                      Dense(rng, 3, 2, Activation.None, "fc")],
            // conv (pad 1) → max pool 2×2 stride 2 over an odd 5×5 → dense
            "max" => [Conv(rng, new(2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1), Activation.Relu, "conv"),
                      new PoolLayer(LayerKind.MaxPool, new(3, 5, 5, 3, 2, 2, 2, 2, 0, 0, 0, 0), name: "pool"),
                      Dense(rng, 3 * 2 * 2, 3, Activation.None, "fc")],
            // max pool with padding and stride 1 over a tanh conv (negative entries), a 3×2 window, then dense with a final relu
            "max-pad" => [Conv(rng, new(1, 4, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1), Activation.Tanh, "conv"),
                          new PoolLayer(LayerKind.MaxPool, new(2, 4, 6, 2, 3, 2, 1, 2, 1, 1, 1, 0), name: "pool"),
                          Dense(rng, 2 * 4 * 3, 3, Activation.Relu, "fc")],
            // a max pool right at the input, then a conv
            "max-first" => [new PoolLayer(LayerKind.MaxPool, new(1, 6, 6, 1, 2, 2, 2, 2, 0, 0, 0, 0), name: "pool"),
                            Conv(rng, new(1, 3, 3, 2, 2, 2, 1, 1, 0, 0, 0, 0), Activation.Relu, "conv"),
                            Dense(rng, 2 * 2 * 2, 2, Activation.None, "fc")],
            _ => throw new ArgumentException($"no conv test network named '{which}' (known: {string.Join(", ", Names)})", nameof(which)),
        };
        return Network.FromStages(stages, which);
    }
}
