using Xunit.Abstractions;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>Every supported third-party model in ../shared/models: compile, setup, prove its input batch, verify; and a wrong output is rejected.</summary>
public class SharedModelProofTests(ITestOutputHelper output)
{
    // The dense-chain models the compiler supports (tests/ZkMl.Compiler.Tests/SharedModelsTests.cs keeps the same list).
    private static readonly string[] Supported =
    [
        "ezkl/1l_linear", "ezkl/1l_mlp", "ezkl/2l_relu_fc", "ezkl/accuracy", "ezkl/quantize_dequantize", "ezkl/eye",
        "trained/deepprove_mlp_iris",
    ];

    [Fact]
    public void Supported_shared_models_prove_and_verify()
    {
        if (TestKit.RepoPaths.Shared is not { } shared) { output.WriteLine("SKIP: ../shared/models not present (the shared data folder beside the repository)"); return; }
        foreach (var m in Supported)
        {
            string dir = Path.Combine(shared, "models", m);
            string file = File.Exists(Path.Combine(dir, "network.onnx")) ? Path.Combine(dir, "network.onnx") : Path.Combine(dir, "model.onnx");
            var net = ModelLoader.Load(file);
            var inputs = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
            var c = CircuitCompiler.Compile(net, inputs);
            var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 64);
            var batch = inputs.Take(64).ToArray();
            var proof = InferenceProver.Prove(pk, batch);
            var r = InferenceVerifier.Verify(vk, proof);
            Assert.True(r.IsValid, $"{m}: {r.Reason}");
            var io = proof.DecodePublicIO(vk);
            var y = io.Outputs.ToArray();
            y[^1] -= 1;
            var bad = InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
            Assert.False(InferenceVerifier.Verify(vk, bad).IsValid, m);
            output.WriteLine($"{m}: {net.ShapeSummary()}, batch {batch.Length}, proof {proof.ProofSize} bytes");
        }
    }
}
