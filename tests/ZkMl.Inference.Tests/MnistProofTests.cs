using System.Diagnostics;
using Xunit.Abstractions;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

public class MnistProofTests(ITestOutputHelper output)
{
    private static readonly Lazy<(Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Samples)> Mnist = new(() =>
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 16);
        return (c, pk, vk, samples);
    });

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Mnist_mlp_batch_proves_and_verifies(int batch)
    {
        var (c, pk, vk, samples) = Mnist.Value;
        var timings = new ProverTimings();
        var sw = Stopwatch.StartNew();
        var proof = InferenceProver.Prove(pk, samples.Take(batch).ToArray(), timings);
        output.WriteLine($"prove B={batch}: {sw.Elapsed.TotalMilliseconds:F0} ms, proof {proof.ProofSize} bytes");
        foreach (var (stage, t) in timings.Stages) output.WriteLine($"  {stage}: {t.TotalMilliseconds:F0} ms");
        sw.Restart();
        var r = InferenceVerifier.Verify(vk, proof);
        output.WriteLine($"verify: {sw.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(r.IsValid, r.Reason);
        var w = IntegerExecutor.Run(c, samples.Take(batch).ToArray());
        Assert.Equal(w.Predictions(), Enumerable.Range(0, batch).Select(b =>
        {
            var row = proof.DecodePublicIO(vk).OutputRow(b).ToArray();
            return Array.IndexOf(row, row.Max());
        }).ToArray());
        // the wrong-logit negative case on the real network
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var bad = InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, batch, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
        Assert.False(InferenceVerifier.Verify(vk, bad).IsValid);
    }
}
