using System.Security.Cryptography;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Inference;

namespace ZkMl.Proofs.Tests.Inference;

/// <summary>
/// The proofs of the example circuits (no final activation) are byte-for-byte what the protocol made
/// before the proven final activation was added (docs/protocol.md): SHA-256 of the verifying key, the
/// public words and the proof bytes on the deterministic development SRS. A deliberate protocol change
/// updates these digests.
/// </summary>
public class ProofGoldenTests
{
    private static string Digest(VerifyingKey vk, InferenceProof p)
        => Convert.ToHexStringLower(SHA256.HashData([.. vk.ToBytes(), .. p.PublicInputs, .. p.ProofBytes]));

    [Fact]
    public void Tiny_proof_bytes_are_unchanged()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(3).ToArray());
        string d = Digest(vk, proof);
        Assert.True(d == TinyDigest, $"tiny digest {d}");
    }

    [Fact]
    public void Mnist_proof_bytes_are_unchanged()
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 4, fixedBaseTable: false);
        var proof = InferenceProver.Prove(pk, samples.Take(3).ToArray());
        string d = Digest(vk, proof);
        Assert.True(d == MnistDigest, $"mnist digest {d}");
    }

    private const string TinyDigest = "08ab8f1848f9914aa512d0b6a411ee5351b8e98d034576fc88ed829ff66a0bc5";
    private const string MnistDigest = "5581e587582983931505a0c0110db7fed3afe7ccd0c38c6781b572ffabc84fb5";
}
