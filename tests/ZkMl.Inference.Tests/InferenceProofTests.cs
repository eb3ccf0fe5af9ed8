using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

public class InferenceProofTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void Tiny_batch_proves_and_verifies(int batch)
    {
        var (circuit, pk, vk) = InferenceFixtures.TinySetup;
        var inputs = InferenceFixtures.TinyInputs().Take(batch).ToArray();
        var proof = InferenceProver.Prove(pk, inputs);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        var io = proof.DecodePublicIO(vk);
        var w = IntegerExecutor.Run(circuit, inputs);
        Assert.Equal(batch, io.BatchSize);
        for (int b = 0; b < batch; b++)
            Assert.Equal(w.Layers[^1].Z.AsSpan(b * w.Layers[^1].Cols, circuit.OutputSize).ToArray(), io.OutputRow(b).ToArray());
    }

    [Fact]
    public void Odd_sized_three_layer_sigmoid_network_proves_and_verifies()
    {
        var net = InferenceFixtures.Random(11, [37, 23, 11, 5], [Activation.Sigmoid, Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(12, 20, 37);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 16);
        foreach (int batch in new[] { 1, 5 })
        {
            var proof = InferenceProver.Prove(pk, samples.Take(batch).ToArray());
            var r = InferenceVerifier.Verify(vk, proof);
            Assert.True(r.IsValid, r.Reason);
        }
    }

    [Fact]
    public void Single_layer_network_without_lookups_proves_and_verifies()
    {
        var net = InferenceFixtures.Random(21, [9, 3], [Activation.None]);
        var samples = InferenceFixtures.Samples(22, 8, 9);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 8);
        var proof = InferenceProver.Prove(pk, samples.Take(3).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
    }
}
