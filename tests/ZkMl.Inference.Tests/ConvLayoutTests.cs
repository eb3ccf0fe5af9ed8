using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Inference.Tests;

/// <summary>
/// A conv or pooling layer's input must be its predecessor's output in the layout the proof reads it in
/// (<see cref="ProofShapes.SpatialInputProblem"/>, docs/protocol.md "Conv and pooling layers"): a Reshape between two
/// spatial layers, or a dense layer read as rows and columns that are not powers of two, would make the proof speak
/// about another function (or read a max pool's unconstrained padding), so setup and the key reader refuse them; a
/// dense layer read as power-of-two rows and columns proves.
/// </summary>
public class ConvLayoutTests
{
    private static Circuit Build(string which)
    {
        var rng = new Random(7);
        NetworkLayer[] stages = which switch
        {
            // conv 2×6×6 → 3×4×4, then a conv that reads those 48 values as 3×2×8 (a Reshape between them)
            "reshape-between" => [ConvProofTests.Conv(rng, new(2, 6, 6, 3, 3, 3, 1, 1, 0, 0, 0, 0), Activation.Relu, "c1"),
                                  ConvProofTests.Conv(rng, new(3, 2, 8, 2, 2, 2, 1, 1, 0, 0, 0, 0), Activation.Relu, "c2"),
                                  ConvProofTests.Dense(rng, 2 * 1 * 7, 3, Activation.None, "fc")],
            // dense 5 → 9 read as 1×3×3 by a conv
            "dense-3x3" => [ConvProofTests.Dense(rng, 5, 9, Activation.Relu, "fc0"),
                            ConvProofTests.Conv(rng, new(1, 3, 3, 2, 2, 2, 1, 1, 0, 0, 0, 0), Activation.Relu, "conv"),
                            ConvProofTests.Dense(rng, 2 * 2 * 2, 3, Activation.None, "fc")],
            // dense 5 → 32 read as 2×4×4 by a conv: the padded layouts agree
            "dense-2x4x4" => [ConvProofTests.Dense(rng, 5, 32, Activation.Relu, "fc0"),
                              ConvProofTests.Conv(rng, new(2, 4, 4, 2, 3, 3, 1, 1, 0, 0, 0, 0), Activation.Relu, "conv"),
                              ConvProofTests.Dense(rng, 2 * 2 * 2, 3, Activation.None, "fc")],
            _ => throw new ArgumentException(which),
        };
        var net = Network.FromStages(stages, which);
        return CircuitCompiler.Compile(net, InferenceFixtures.Samples(3, 16, net.InputSize));
    }

    [Theory]
    [InlineData("reshape-between", "layer 1 reads [3, 2, 8] but layer 0 outputs [3, 4, 4]")]
    [InlineData("dense-3x3", "layer 1 reads a dense layer's output as [1, 3, 3]")]
    public void A_spatial_input_in_another_layout_is_refused(string which, string expected)
    {
        var c = Build(which);
        var ex = Assert.Throws<ArgumentException>(() => InferenceSetup.Run(c, InferenceFixtures.Srs, 2));
        Assert.Contains("not yet provable: " + expected, ex.Message);
    }

    [Fact]
    public void A_dense_layer_read_as_power_of_two_rows_and_columns_proves()
    {
        var c = Build("dense-2x4x4");
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 2);
        var samples = InferenceFixtures.Samples(11, 2, c.InputSize);
        var proof = InferenceProver.Prove(pk, samples);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        var io = proof.DecodePublicIO(vk);
        for (int s = 0; s < samples.Length; s++)
            Assert.Equal(IntegerExecutor.Infer(c, c.QuantizeInput(samples[s])), io.OutputRow(s).ToArray());
    }
}
