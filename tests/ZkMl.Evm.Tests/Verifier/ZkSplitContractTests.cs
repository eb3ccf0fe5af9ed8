using Xunit.Abstractions;
using ZkMl.Algebra;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Split opening vectors (docs/protocol.md "ZK mode: split opening vectors") in the generated verifier on a real anvil node,
/// against the C# verifier on the same bytes. At the real threshold (2^18 entries) only MNIST-sized batches split, too slow for
/// every changed word on chain; these tests lower it (<see cref="ZkShape.SplitVarsForTests"/>) so that the small keys split W1,
/// W2, X′ and W3 at small batches: valid proofs accepted; every proof and statement word changed, the halves of C_X swapped or
/// taken from another commitment, and a wrong output rejected by both. A key none of whose batch sizes split gets no split code.
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class ZkSplitContractTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    private const int Threshold = 6;

    private static Task<bool> BothAsync(OnChainVerifier v, VerifyingKey vk, byte[] pi, byte[] pf, string what)
        => ZkVerifierContractTests.BothAsync(v, vk, pi, pf, what);

    private async Task<OnChainVerifier> DeployAsync(ZkVerifierContractTests.ZkExample e)
    {
        var source = SolidityVerifierGenerator.Generate(e.Vk, "ZkVerifier");
        Assert.Contains("zkSplitTerms", source);
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, "ZkVerifier", SolidityVerifierGenerator.SettingsFor(e.Vk), "Verifier.sol");
        return await OnChainVerifier.DeployAsync(fx.Chain, contract);
    }

    /// <summary>(example, batch, X′ split): tiny's X′ (2^4 at B = 3) stays whole while its W1 and W2 split, a mixed shape.</summary>
    public static TheoryData<string, int, bool> Cases => new() { { "mlp3-rc", 4, true }, { "mlp3-rc", 3, true }, { "mlp3-private", 4, true }, { "mlp3", 4, false }, { "tiny-rc", 3, false } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Split_vectors_valid_proofs_accepted_and_every_changed_word_and_swapped_half_rejected(string name, int batch, bool splitX)
    {
        // (the example's key first, at the real threshold: the examples are shared with the other contract tests)
        var e = ZkVerifierContractTests.Example(name);
        ZkShape.SplitVarsForTests.Value = Threshold;
        try { await Check(e, name, batch, splitX); }
        finally { ZkShape.SplitVarsForTests.Value = null; }
    }

    private async Task Check(ZkVerifierContractTests.ZkExample e, string name, int batch, bool splitX)
    {
        int b = System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch));
        var zs = new ZkShape(e.Vk, b);
        Assert.True(zs.SplitW1 && zs.SplitW2, $"{name}: W1 2^{zs.Batch.W1!.NumVars}, W2 2^{zs.W2.NumVars} split at the test threshold 2^{Threshold}");
        Assert.Equal(splitX, zs.SplitX);
        Assert.Equal(splitX && zs.RangeCheck, zs.SplitW3);
        var v = await DeployAsync(e);
        bool priv = zs.Private;
        var made = priv ? ZkVerifierContractTests.ProvePrivate(e, batch) : null;
        var proof = made?.Proof ?? ZkVerifierContractTests.Prove(e, batch);
        var pi = proof.PublicInputs.ToArray();
        var pf = proof.ProofBytes.ToArray();
        Assert.Equal(zs.ProofLength(e.Vk), pf.Length);
        Assert.True(await BothAsync(v, e.Vk, pi, pf, "valid proof"));
        var gas = await v.MeasureAsync(proof);
        Assert.True(gas.Transaction.Success, gas.Transaction.Error);
        output.WriteLine($"ZK {name} B={batch} (split from 2^{Threshold}): deployed {v.DeployedSize} bytes; proof {pf.Length} bytes, {pi.Length / 32} public words; {gas}");
        await ZkVerifierContractTests.AssertEveryWordRejectedAsync(v, e.Vk, pi, pf);
        // the same contract at the other batch sizes: other split patterns (X′ unsplit at B = 1, 2) and their literal fields
        foreach (int other in new[] { 1, 2 })
        {
            var zo = new ZkShape(e.Vk, other == 1 ? 0 : 1);
            var po = priv ? ZkVerifierContractTests.ProvePrivate(e, other).Proof : ZkVerifierContractTests.Prove(e, other);
            Assert.True(await BothAsync(v, e.Vk, po.PublicInputs.ToArray(), po.ProofBytes.ToArray(), $"a valid proof at B = {other} (W1 {zo.SplitW1}, W2 {zo.SplitW2}, X′ {zo.SplitX})"));
        }

        // the proof's high halves swapped with the low halves' words (W1 ↔ W1's high half): rejected by both
        int highAt = pf.Length - 64 * zs.HighCommitments;
        var swapped = (byte[])pf.Clone();
        Array.Copy(pf, 128, swapped, highAt, 64);
        Array.Copy(pf, highAt, swapped, 128, 64);
        Assert.False(await BothAsync(v, e.Vk, pi, swapped, "W1's halves swapped"));
        if (!priv || !splitX) return;

        var io = proof.DecodePublicIO(e.Vk);
        var y = io.Outputs[..(batch * e.Vk.OutputColumns)].ToArray();
        var lo = io.InputCommitment!.Value;
        var hi = io.InputCommitmentHigh!.Value;
        Assert.True(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, lo, y, hi).Words.ToArray(), pf, "the same statement re-packed"));
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, hi, y, lo).Words.ToArray(), pf, "C_X's halves swapped"));
        var rows = e.Samples.Take(batch).Select(x => e.Pk.Circuit.QuantizeInput(x)).ToArray();
        var again = InputCommitment.Commit(e.Pk.Srs, made!.Commitment.RowWidth, made.Commitment.InputSize, e.Vk.XBytes, rows).Commitment;
        Assert.True(again.IsSplit);
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, lo, y, again.CommitmentHigh).Words.ToArray(), pf, "C_X's high half from another commitment of the same rows"));
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, again.Commitment, y, hi).Words.ToArray(), pf, "C_X's low half from another commitment of the same rows"));
        var wrongY = (long[])y.Clone();
        wrongY[^1] += 1;
        Assert.False(await BothAsync(v, e.Vk, PublicIO.CreatePrivate(e.Vk, batch, lo, wrongY, hi).Words.ToArray(), pf, "last output + 1"));
    }

    /// <summary>A key none of whose batch sizes split (the real threshold, max batch 8) gets none of the split code: its verifier is as before.</summary>
    [Fact]
    public void A_key_that_never_splits_has_no_split_code()
    {
        var e = ZkVerifierContractTests.Example("mlp3-rc");
        var source = SolidityVerifierGenerator.Generate(e.Vk, "ZkVerifier");
        Assert.DoesNotContain("zkSplitTerms", source);
        Assert.DoesNotContain("zkSplits", source);
        Assert.DoesNotContain("let ext := shr(8, kind)", source);
    }
}
