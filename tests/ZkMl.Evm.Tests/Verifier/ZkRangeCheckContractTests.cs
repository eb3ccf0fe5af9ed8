using System.Security.Cryptography;
using Xunit.Abstractions;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The generated verifier of private-input ZK keys with the input range check on (docs/protocol.md "On-chain verifier" →
/// "ZK mode"; the compile default) on a real anvil node, against the C# verifier on the same bytes: valid proofs accepted by
/// both; every proof word and statement word changed, a wrong output and other commitments rejected by both; the forced cheats
/// of ZkInputRangeCheckTests (an input at −InputBound − 1, a non-zero padded column of X′) rejected by both; C_X = (0, 0).
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class ZkRangeCheckContractTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    private static Task<bool> BothAsync(OnChainVerifier v, VerifyingKey vk, byte[] pi, byte[] pf, string what)
        => ZkVerifierContractTests.BothAsync(v, vk, pi, pf, what);

    public static TheoryData<string, int> Cases => new() { { "tiny-rc", 1 }, { "tiny-rc", 3 }, { "mlp3-rc", 1 }, { "mlp3-rc", 4 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Range_checked_private_inputs_valid_proofs_accepted_changed_words_and_other_commitments_rejected(string name, int batch)
    {
        var e = ZkVerifierContractTests.Example(name);
        Assert.True(e.Vk.Zk.InputRangeCheck);
        Assert.Null(SolidityVerifierGenerator.ZkRefusal(e.Vk));
        var (_, v) = await ZkVerifierContractTests.DeployAsync(fx, e);
        var made = ZkVerifierContractTests.ProvePrivate(e, batch);
        var proof = made.Proof;
        var pi = proof.PublicInputs.ToArray();
        var pf = proof.ProofBytes.ToArray();
        Assert.Equal(new ZkShape(e.Vk, Log2Ceil(batch)).ProofLength(e.Vk), pf.Length);
        Assert.True(await BothAsync(v, e.Vk, pi, pf, "valid proof"));
        Assert.InRange(v.DeployedSize, 1, 24_576);
        var gas = await v.MeasureAsync(proof);
        Assert.True(gas.Transaction.Success, gas.Transaction.Error);
        output.WriteLine($"ZK {name} B={batch}: deployed {v.DeployedSize} bytes; proof {pf.Length} bytes, {pi.Length / 32} public words; {gas}");

        Assert.False(await BothAsync(v, e.Vk, pi, pf[..^32], "one word short"));
        Assert.False(await BothAsync(v, e.Vk, pi, [.. pf, .. new byte[32]], "one word longer"));
        await ZkVerifierContractTests.AssertEveryWordRejectedAsync(v, e.Vk, pi, pf);
        var io = proof.DecodePublicIO(e.Vk);
        var y = io.Outputs[..(batch * e.Vk.OutputColumns)].ToArray();
        var cx = io.InputCommitment!.Value;
        Assert.True(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, cx, y).Words.ToArray(), pf, "the same statement re-packed"));
        var wrongY = (long[])y.Clone();
        wrongY[^1] += 1;
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, cx, wrongY).Words.ToArray(), pf, "last output + 1"));
        var shifted = (G1Jacobian.FromAffine(cx) + G1Jacobian.FromAffine(e.Pk.Srs.BlindingBase!.Value)).ToAffine();
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, shifted, y).Words.ToArray(), pf, "C_X + H"));
        await ZkVerifierContractTests.AssertOtherCommitmentsRejectedAsync(v, e, made, batch);
    }

    /// <summary>
    /// The forced cheat of ZkInputRangeCheckTests: the witness runs on row 0 with entry i at −InputBound − 1, C_X commits it, the
    /// prover skips its lookup checks. With the range check on, C# and the contract both reject; the same cheat against the
    /// same model with the check off is accepted by both (nothing looks at X′'s range there): the on-chain check has teeth.
    /// </summary>
    [Fact]
    public async Task A_forced_out_of_range_input_is_rejected_by_both_with_the_check_on_and_accepted_by_both_with_it_off()
    {
        foreach (var (name, on) in new[] { ("tiny-rc", true), ("tiny-private", false) })
        {
            var e = ZkVerifierContractTests.Example(name);
            var (_, v) = await ZkVerifierContractTests.DeployAsync(fx, e);
            var vk = e.Vk;
            Assert.Equal(on, vk.Zk.InputRangeCheck);
            var c = e.Pk.Circuit;
            foreach (var i in new[] { 0, 3 })
            {
                var row = c.QuantizeInput(e.Samples[0]);
                row[i] = -vk.InputBound - 1;
                var w = IntegerExecutor.RunQuantized(c, [row], checkInputRange: false);
                var (com, open) = InputCommitment.Commit(e.Pk.Srs, 1 << vk.Layers[0].InVars, vk.InputSize, vk.XBytes, [row]);
                var proof = ZkInference.Prove(e.Pk, w, 1, new ProverTimings(), checkLookups: false, RandomNumberGenerator.Create(), new ZkPrivateInput(com, open));
                bool accepted = await BothAsync(v, vk, proof.PublicInputs.ToArray(), proof.ProofBytes.ToArray(), $"{name}: input {i} at −InputBound − 1");
                Assert.Equal(!on, accepted);
                if (on) Assert.Equal(VerificationFailure.Opening, InferenceVerifier.Verify(vk, proof).Failure);
            }
        }
    }

    /// <summary>
    /// The hole of ZkInputRangeCheckTests: a non-zero padded column k of X′ whose row of W_0 is zero (the 9 → 64 → 4 model), so the
    /// matmul does not see it; with the range check on both reject (the tail claim on X′'s padded columns fails in the opening;
    /// on chain its kind-4 term), with it off both accept (the weak statement). B = 1: the column-major X′ is the row.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forced_non_zero_padded_column_is_rejected_by_both_with_the_check_on_and_accepted_with_it_off(bool on)
    {
        var net = TestNetworks.Random(83, [9, 64, 4], [Activation.Relu, Activation.None]);
        var samples = TestNetworks.Samples(84, 8, 9);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs(rangeCheck: on) });
        var z = InferenceSetup.RunZk(c, ExampleCircuits.Srs, 1);
        var vk = z.VerifyingKey;
        var pk = z.ProvingKey;
        var source = SolidityVerifierGenerator.Generate(vk, "ZkVerifier");
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ZkVerifier", SolidityVerifierGenerator.SettingsFor(vk), "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, contract);

        int width = 1 << vk.Layers[0].InVars, cols = 1 << vk.Layers[0].OutVars;
        long w0 = vk.Shape.ModelLayout.Offset(KeyShape.WeightItem(0));
        int k = Enumerable.Range(vk.InputSize, width - vk.InputSize).Last(r => pk.Model.AsSpan((int)(w0 + (long)r * cols), cols).IndexOfAnyExcept(0L) < 0);
        var row = c.QuantizeInput(samples[0]);
        // the control: an honest proof of this key verifies on both
        var honest = InferenceProver.ProvePrivate(pk, [row]).Proof;
        Assert.True(await BothAsync(v, vk, honest.PublicInputs.ToArray(), honest.ProofBytes.ToArray(), "honest proof (9 → 64 → 4)"));
        var w = IntegerExecutor.RunQuantized(c, [row]);
        w.Input[k] = 5;
        var hc = HyperKzg.CommitSmallHiding(pk.Srs, w.Input);
        var com = new InputCommitment(InputCommitment.FingerprintOf(pk.Srs), 1, width, vk.InputSize, hc.Commitment);
        var open = new InputOpening(com.FileDigest, 1, vk.InputSize, vk.XBytes, row, hc.Blinding);
        InferenceProof proof;
        ZkInference.AnyInputLayoutForTests.Value = true;
        try { proof = ZkInference.Prove(pk, w, 1, new ProverTimings(), checkLookups: false, RandomNumberGenerator.Create(), new ZkPrivateInput(com, open)); }
        finally { ZkInference.AnyInputLayoutForTests.Value = false; }
        Assert.Equal(!on, await BothAsync(v, vk, proof.PublicInputs.ToArray(), proof.ProofBytes.ToArray(), $"padded column {k} = 5"));
        if (on) Assert.Equal(VerificationFailure.Opening, InferenceVerifier.Verify(vk, proof).Failure);
    }

    /// <summary>
    /// C_X = (0, 0), the point at infinity in the statement's two words (EIP-196): C# parses it (the zero encoding is the
    /// infinity point, on the curve) and so does the contract (g1Check). A proof made for a real C_X with the statement changed
    /// to (0, 0) is rejected by both; a proof honestly made for C_X = O (the all-zero input with blinding 0, a commitment that
    /// opens) gets the same verdict from both, for keys with the range check on and off.
    /// </summary>
    [Theory]
    [InlineData("tiny-rc")]
    [InlineData("tiny-private")]
    public async Task An_input_commitment_at_infinity_gets_the_same_verdict_in_CSharp_and_on_chain(string name)
    {
        var e = ZkVerifierContractTests.Example(name);
        var (_, v) = await ZkVerifierContractTests.DeployAsync(fx, e);
        var vk = e.Vk;
        var made = ZkVerifierContractTests.ProvePrivate(e, 2);
        var pi = made.Proof.PublicInputs.ToArray();
        var pf = made.Proof.ProofBytes.ToArray();
        Assert.True(await BothAsync(v, vk, pi, pf, "valid proof"));
        var zeroed = (byte[])pi.Clone();
        Array.Clear(zeroed, 32, 64);
        Assert.True(PublicIO.TryDecode(vk, zeroed, out var io, out var why), why);
        Assert.True(io!.InputCommitment!.Value.IsInfinity);
        Assert.False(await BothAsync(v, vk, zeroed, pf, "the statement's C_X changed to (0, 0)"));

        var c = e.Pk.Circuit;
        int width = 1 << vk.Layers[0].InVars;
        var zero = new long[vk.InputSize];
        var com = new InputCommitment(InputCommitment.FingerprintOf(e.Pk.Srs), 1, width, vk.InputSize, G1Affine.Infinity);
        var open = new InputOpening(com.FileDigest, 1, vk.InputSize, vk.XBytes, zero, Fr.Zero);
        Assert.True(com.Check(open, e.Pk.Srs).IsValid, "the zero input with blinding 0 opens C_X = O");
        var w = IntegerExecutor.RunQuantized(c, [zero]);
        var proof = ZkInference.Prove(e.Pk, w, 1, new ProverTimings(), checkLookups: true, RandomNumberGenerator.Create(), new ZkPrivateInput(com, open));
        var opi = proof.PublicInputs.ToArray();
        Assert.True(opi.AsSpan(32, 64).IndexOfAnyExcept((byte)0) < 0, "the statement's C_X words are (0, 0)");
        bool accepted = await BothAsync(v, vk, opi, proof.ProofBytes.ToArray(), "an honest proof for C_X = O");
        Assert.True(accepted, "an honest proof for the commitment O of the zero input verifies in C# (and so on chain)");
        output.WriteLine($"{name}: C_X = (0, 0) with a proof for another C_X rejected by both; an honest proof for C_X = O accepted by both");
    }

    public static TheoryData<int> MnistBatches => new() { 1, 16 };

    /// <summary>MNIST MLP with the range check on: valid proofs accepted (gas and bytecode reported), a sample of changed words rejected.</summary>
    [Theory]
    [MemberData(nameof(MnistBatches))]
    public async Task Mnist_range_checked_valid_proofs_accepted_and_a_sample_of_changed_words_rejected(int batch)
    {
        var e = ZkVerifierContractTests.Example("mnist-mlp-rc");
        var (_, v) = await ZkVerifierContractTests.DeployAsync(fx, e);
        var proof = ZkVerifierContractTests.ProvePrivate(e, batch).Proof;
        var pi = proof.PublicInputs.ToArray();
        var pf = proof.ProofBytes.ToArray();
        Assert.True(await BothAsync(v, e.Vk, pi, pf, "valid proof"));
        Assert.InRange(v.DeployedSize, 1, 24_576);
        var gas = await v.MeasureAsync(proof);
        Assert.True(gas.Transaction.Success, gas.Transaction.Error);
        output.WriteLine($"ZK mnist-mlp-rc B={batch}: deployed {v.DeployedSize} bytes; proof {pf.Length} bytes, {pi.Length / 32} public words; {gas}");
        var rng = new Random(100 + batch);
        for (int n = 0; n < 24; n++)
        {
            int w = rng.Next(pf.Length / 32);
            var m = (byte[])pf.Clone();
            m[32 * w + 31] ^= 1;
            Assert.False(await BothAsync(v, e.Vk, pi, m, $"proof word {w} changed"));
        }
        for (int w = 0; w < pi.Length / 32; w += Math.Max(1, pi.Length / 32 / 4))
        {
            var m = (byte[])pi.Clone();
            m[32 * w + 31] ^= 1;
            Assert.False(await BothAsync(v, e.Vk, m, pf, $"statement word {w} changed"));
        }
    }

    private static int Log2Ceil(int batch) => System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch));
}
