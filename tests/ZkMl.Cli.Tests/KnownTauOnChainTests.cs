using ZkMl.Algebra;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Proofs;

namespace ZkMl.Cli.Tests;

/// <summary>
/// Why the SRS origin matters on chain too (issue 14): with τ known (a development SRS from a fixed seed), a proof
/// of a false statement verifies in C# and in the generated contract on anvil; what tells the user is the key's
/// origin, which <c>verify-onchain --json</c>, the contract's header and the warnings report.
/// </summary>
public class KnownTauOnChainTests : IDisposable
{
    private const int Seed = 11, MaxBatch = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("zkml-known-tau-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>τ of <c>Srs.CreateInsecureDev(d, seed)</c>, as anyone recomputes it by trying the 2^31 seeds.</summary>
    private static Fr TauOfSeed(int seed)
    {
        var rng = new Random(seed);
        Fr tau;
        do tau = Fr.Random(rng); while (tau.IsZero);
        return tau;
    }

    /// <summary>
    /// An honest proof for M′ = M with output bias 0 shifted by 0.5, made to open under M's key: M′'s model vector
    /// differs from M's in that bias entry j by d; a padding entry k (no claim reads it) gets −d·τ^j/τ^k, so the
    /// vector commits to exactly M's commitment. Needs τ.
    /// </summary>
    private static InferenceProof Forge(ProvingKey pk, Circuit shifted, Fr tau, float[][] inputs)
    {
        var vk = pk.VerifyingKey;
        Assert.Empty(vk.ModelParts);   // tiny's model vector is one commitment (not split)
        var layout = vk.Shape.ModelLayout;
        long[] model = InferenceSetup.BuildModel(pk.Circuit, vk.Shape), forged = InferenceSetup.BuildModel(shifted, vk.Shape);
        long j = layout.Offset(KeyShape.BiasItem(vk.Layers.Count - 1));
        long d = forged[j] - model[j];
        Assert.NotEqual(0, d);
        Assert.Equal(1, model.Zip(forged).Count(p => p.First != p.Second));
        long k = Enumerable.Range(0, (int)layout.Length)
            .First(i => Enumerable.Range(0, layout.Count).All(it => i < layout.Offset(it) || i >= layout.Offset(it) + layout.Size(it)));
        var fr = forged.Select(Fr.FromInt64).ToArray();
        fr[k] = -Fr.FromInt64(d) * tau.Pow((int)j) * tau.Pow((int)k).Inverse();
        return InferenceProver.Prove(new ProvingKey(vk, shifted, pk.Srs, forged, fr), inputs);
    }

    [Fact]
    public void A_proof_forged_with_a_known_tau_verifies_on_chain_and_the_key_is_reported_insecure()
    {
        var net = ModelLoader.Load(Zkml.Tiny("model.json"));
        var samples = InputData.Load(Zkml.Tiny("input.json"), net.InputSize);
        var m = CircuitCompiler.Compile(net, samples);
        var last = net.Layers[^1];
        var bias = last.Bias.ToArray();
        bias[0] += 0.5f;
        var shifted = CircuitCompiler.Compile(new Network([.. net.Layers.SkipLast(1), new DenseLayer(last.InputSize, last.OutputSize, last.Weights, bias, last.Activation)], "shifted"), samples);

        var srs = Srs.CreateInsecureDev((int)InferenceSetup.RequiredPowers(m, MaxBatch) - 1, Seed);
        var tau = TauOfSeed(Seed);
        Assert.Equal(srs.G1Powers[1], G1Jacobian.Generator.ScalarMul(tau).ToAffine());   // the seed gives τ away
        var (pk, vk) = InferenceSetup.Run(m, srs, MaxBatch);
        Assert.True(vk.IsInsecure);

        var inputs = samples.Take(2).ToArray();
        var honest = InferenceProver.Prove(pk, inputs);
        var forged = Forge(pk, shifted, tau, inputs);
        var yHonest = honest.DecodePublicIO(vk).OutputRow(0);
        var yForged = forged.DecodePublicIO(vk).OutputRow(0);
        Assert.NotEqual(yHonest[0], yForged[0]);   // a false statement about M: M does not output this
        Assert.True(yHonest[1..].SequenceEqual(yForged[1..]));
        // The same construction with a wrong guess of τ is rejected: the forgery needs τ, nothing else.
        var guessed = Forge(pk, shifted, TauOfSeed(Seed + 1), inputs);
        Assert.False(InferenceVerifier.Verify(vk, guessed).IsValid);

        string vkPath = Path.Combine(_dir, "vk.bin"), proofPath = Path.Combine(_dir, "forged.proof"), guessPath = Path.Combine(_dir, "guessed.proof"), sol = Path.Combine(_dir, "Verifier.sol");
        vk.Save(vkPath);
        forged.Save(proofPath);
        guessed.Save(guessPath);

        // C#: accepted, with the warning.
        var v = Zkml.Ok("verify", "--vk", vkPath, "--proof", proofPath);
        Assert.StartsWith("verified", v.Out);
        Assert.Contains("INSECURE development SRS", v.Err);

        // On chain (a local anvil, the generated contract): accepted too, and --json says the key is insecure.
        var on = Zkml.Ok("verify-onchain", "--vk", vkPath, "--proof", proofPath, "--json");
        var j = on.Json();
        Assert.True(j.GetProperty("verified").GetBoolean(), on.ToString());
        Assert.True(j.GetProperty("insecure").GetBoolean());
        Assert.Contains("INSECURE development SRS", on.Err);
        // The wrong guess is rejected on chain as well (the contract is not simply accepting).
        var off = Zkml.Run("verify-onchain", "--vk", vkPath, "--proof", guessPath, "--json");
        Assert.Equal(1, off.ExitCode);
        Assert.False(off.Json().GetProperty("verified").GetBoolean());
        Assert.True(off.Json().GetProperty("insecure").GetBoolean());

        // Only a verifier who reruns the key's circuit on the proven inputs sees that the outputs are not M's.
        string zkc = Path.Combine(_dir, "tiny.zkc");
        CircuitFile.Save(m, zkc);
        Zkml.Fails(["verify", "--vk", vkPath, "--proof", proofPath, "--circuit", zkc], "not verified", "the proof verifies, but its outputs are not the circuit's",
            "row 0, column 0", "a forgery under a development SRS whose τ is known", "(Output)");

        // The contract carries the origin in its header comment.
        var c = Zkml.Ok("create-evm-verifier", "--vk", vkPath, "-o", sol, "--no-compile", "--json");
        Assert.True(c.Json().GetProperty("insecure").GetBoolean());
        string header = string.Join('\n', File.ReadLines(sol).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
        Assert.Contains("// SRS: INSECURE development SRS.", header);
    }
}
