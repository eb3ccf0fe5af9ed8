using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Completeness of the conv and pooling proof (docs/protocol.md "Conv and pooling layers") on small circuits built
/// here: odd sizes, padding, stride 2, channels &gt; 1, conv → conv, average and global average pooling, max pooling,
/// batches &gt; 1. Every proof verifies and its public outputs are the integer executor's.
/// </summary>
public class ConvProofTests
{
    internal static float[] Rand(Random rng, int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();

    internal static ConvLayer Conv(Random rng, Conv2dGeometry g, Activation act, string name)
        => new(g, Rand(rng, g.OutC * g.InC * g.KH * g.KW, 0.6), Rand(rng, g.OutC, 0.1), act, name);

    internal static DenseLayer Dense(Random rng, int n, int m, Activation act, string name)
        => new(n, m, Rand(rng, n * m, 0.4), Rand(rng, m, 0.1), act, name);

    /// <summary>The circuits of the tests, by name.</summary>
    internal static Circuit Build(string which)
    {
        var rng = new Random(which.GetHashCode(StringComparison.Ordinal) & 0xffff);
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
            _ => throw new ArgumentException(which),
        };
        var net = Network.FromStages(stages, which);
        return CircuitCompiler.Compile(net, InferenceFixtures.Samples(3, 16, net.InputSize));
    }

    private static readonly Dictionary<string, (Circuit, ProvingKey, VerifyingKey)> Keys = [];

    internal static (Circuit C, ProvingKey Pk, VerifyingKey Vk) Setup(string which)
    {
        lock (Keys)
        {
            if (!Keys.TryGetValue(which, out var k))
            {
                var c = Build(which);
                var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 8);
                Keys[which] = k = (c, pk, vk);
            }
            return k;
        }
    }

    [Theory]
    [InlineData("conv-pad", 1)]
    [InlineData("conv-pad", 3)]
    [InlineData("conv-conv", 2)]
    [InlineData("avg", 1)]
    [InlineData("avg", 3)]
    [InlineData("max", 1)]
    [InlineData("max", 4)]
    [InlineData("max-pad", 3)]
    [InlineData("max-first", 2)]
    public void Proves_and_verifies_with_the_integer_executors_outputs(string which, int batch)
    {
        var (c, pk, vk) = Setup(which);
        Assert.Equal(VerifyingKey.SpatialVersion, vk.FormatVersion);
        var samples = InferenceFixtures.Samples(100 + batch, batch, c.InputSize);
        var proof = InferenceProver.Prove(pk, samples);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        var io = proof.DecodePublicIO(vk);
        for (int s = 0; s < batch; s++)
            Assert.Equal(IntegerExecutor.Infer(c, c.QuantizeInput(samples[s])), io.OutputRow(s).ToArray());
    }

    [Fact]
    public void Keys_of_conv_circuits_round_trip_as_version_5()
    {
        var (_, pk, vk) = Setup("max");
        Assert.True(VerifyingKey.TryFromBytes(vk.ToBytes(), out var back, out var why), why);
        Assert.Equal(vk.DigestHex, back!.DigestHex);
        Assert.Equal(vk.Layers, back.Layers);
        var pk2 = ProvingKey.FromBytes(pk.ToBytes());
        Assert.Equal(vk.DigestHex, pk2.VerifyingKey.DigestHex);
        Assert.Equal(5u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(vk.ToBytes().AsSpan(8)));
        Assert.Equal(5u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(pk.ToBytes().AsSpan(8)));
        // dense keys stay version 4
        Assert.Equal(4u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(InferenceFixtures.TinySetup.Vk.ToBytes().AsSpan(8)));
    }
}
