using System.Security.Cryptography;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The proofs of the example circuits (no final activation) are byte-for-byte what the protocol made
/// before the proven final activation was added (docs/protocol.md): SHA-256 of the verifying key, the
/// public words and the proof bytes on the deterministic development SRS (the digests were computed from
/// main's code without that change, commit 72dde3b). A deliberate key or protocol change updates them:
/// issue 19's one-hash sumcheck rounds (absorb-challenge, docs/protocol.md "Transcript") changed every challenge
/// from the first sumcheck round on, hence every later proof byte (sizes unchanged); the batched opening's HyperKZG
/// no longer re-absorbing its joint claim changed the HyperKZG challenges and so the opening's bytes; LogUp's τ drawn
/// as one challenge and its squares changed every challenge from τ on.
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

    /// <summary>
    /// The default-mode proving key embeds the SRS in its version-2 layout, without the blinding base H that the
    /// development SRS now carries (docs/protocol.md "SRS"): its bytes are those of main before H existed (6580333).
    /// </summary>
    [Fact]
    public void Tiny_proving_key_bytes_are_unchanged()
    {
        var (_, pk, _) = InferenceFixtures.TinySetup;
        Assert.NotNull(pk.Srs.BlindingBase);
        string d = Convert.ToHexStringLower(SHA256.HashData(pk.ToBytes()));
        Assert.True(d == TinyPkDigest, $"tiny proving key digest {d}");
    }

    private const string TinyPkDigest = "1e13e0c0113afaa6b10e3e4a40f55bc14d050946c04dc5b9a4819a3782f38737";
    private const string TinyDigest = "8503e216d6a58af847cc737bd5db81a230e10124e7ef9955c735ee8491affb72";
    private const string MnistDigest = "cde6324c54220986292fa230a157706e2e9d877cada566fcae471dcd140138ef";
}
