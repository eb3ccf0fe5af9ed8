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
    internal static float[] Rand(Random rng, int n, double scale = 1) => TestKit.ConvNetworks.Rand(rng, n, scale);

    internal static ConvLayer Conv(Random rng, Conv2dGeometry g, Activation act, string name) => TestKit.ConvNetworks.Conv(rng, g, act, name);

    internal static DenseLayer Dense(Random rng, int n, int m, Activation act, string name) => TestKit.ConvNetworks.Dense(rng, n, m, act, name);

    /// <summary>The circuits of the tests, by name (<see cref="TestKit.ConvNetworks.Build"/>, compiled on 16 random samples).</summary>
    internal static Circuit Build(string which)
    {
        var net = TestKit.ConvNetworks.Build(which);
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
