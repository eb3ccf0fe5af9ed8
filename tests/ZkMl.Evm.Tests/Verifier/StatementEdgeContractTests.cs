using System.Numerics;
using ZkMl.Algebra.Evm;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Verdicts the protocol review asked to pin on both verifiers (issue 14): equal commitments in a proof
/// (C₁ = C₂, C₁ or C₂ = a model commitment), and a statement whose batch word has non-zero high bytes or
/// whose outputs are the extreme values of their packed width.
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class StatementEdgeContractTests(VerifierContractFixture fx)
{
    private static ExampleCircuits.Example Get(string name) => name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;

    /// <summary>Both verifiers on the same bytes: the C# verdict, asserted equal to the contract's (which must return, not revert).</summary>
    private static async Task<VerificationResult> BothAsync(VerifierContractFixture.Deployed d, byte[] publicInputs, byte[] proofBytes, string what)
    {
        var cs = InferenceVerifier.Verify(d.Example.Vk, publicInputs, proofBytes);
        var chain = await d.Verifier.CallAsync(VerifierCalldata.Encode(proofBytes, publicInputs));
        Assert.False(chain.Reverted, $"{what}: the contract reverted ({chain.Error})");
        Assert.True(cs.IsValid == chain.Accepted, $"{what}: C# {(cs.IsValid ? "accepts" : "rejects (" + cs.Reason + ")")}, contract {(chain.Accepted ? "accepts" : "returns false")}");
        return cs;
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("mnist-mlp")]
    public async Task Equal_commitments_are_rejected_by_both(string name)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, 1);
        var pf = proof.ProofBytes.ToArray();
        var pi = proof.PublicInputs.ToArray();
        Assert.True((await BothAsync(d, pi, pf, "valid proof")).IsValid);
        byte[] With(int at, ReadOnlySpan<byte> point) { var m = (byte[])pf.Clone(); point.CopyTo(m.AsSpan(at, 64)); return m; }

        // C_1 is bytes 0…63, C_2 bytes 64…127 (docs/protocol.md "Proof bytes").
        var c1 = pf.AsSpan(0, 64).ToArray();
        var c2 = pf.AsSpan(64, 64).ToArray();
        Assert.False((await BothAsync(d, pi, With(64, c1), "C_2 = C_1")).IsValid);
        Assert.False((await BothAsync(d, pi, With(0, c2), "C_1 = C_2")).IsValid);
        // The C# verifier names vectors by commitment and size: with C_1 = C_2 of one size it sees one vector fewer
        // than the proof carries; the contract counts by position. Both say no.
        Assert.Equal(name == "mnist-mlp" ? 4 : 1, e.Vk.ModelCommitments.Count);
        for (int j = 0; j < e.Vk.ModelCommitments.Count; j++)
        {
            var model = EvmEncoding.EncodeG1(e.Vk.ModelCommitments[j]);
            Assert.False((await BothAsync(d, pi, With(0, model), $"C_1 = model commitment {j}")).IsValid);
            Assert.False((await BothAsync(d, pi, With(64, model), $"C_2 = model commitment {j}")).IsValid);
        }
        var both = With(0, EvmEncoding.EncodeG1(e.Vk.ModelCommitments[0]));
        EvmEncoding.EncodeG1(e.Vk.ModelCommitments[0]).CopyTo(both.AsSpan(64));
        Assert.False((await BothAsync(d, pi, both, "C_1 = C_2 = a model commitment")).IsValid);
    }

    [Fact]
    public async Task A_proof_restated_for_one_more_row_is_rejected_by_both()
    {
        // tiny B = 3 pads to 4; as B = 4 with a zero fourth input row the statement is even true (the padded row
        // is the inference on a zero input), but B and X are absorbed first: both verifiers say no.
        var e = ExampleCircuits.Tiny;
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, 3);
        var io = proof.DecodePublicIO(e.Vk);
        long[] x4 = [.. io.Inputs, .. new long[e.Vk.InputSize]];
        var more = PublicIO.Create(e.Vk, 4, x4, io.Outputs).Words.ToArray();
        Assert.False((await BothAsync(d, more, proof.ProofBytes.ToArray(), "B + 1")).IsValid);
        // B − 1 = 2 pads to 2: another batch shape (for tiny the proof length happens to be the same).
        var fewer = PublicIO.Create(e.Vk, 2, io.Inputs[..(2 * e.Vk.InputSize)], io.Outputs[..(2 * e.Vk.OutputSize)]).Words.ToArray();
        Assert.False((await BothAsync(d, fewer, proof.ProofBytes.ToArray(), "B − 1")).IsValid);
    }

    private static void PutWord(byte[] b, int offset, BigInteger v)
    {
        Array.Clear(b, offset, 32);
        var w = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        w.CopyTo(b, offset + 32 - w.Length);
    }

    [Theory]
    [InlineData("tiny", 1)]
    [InlineData("tiny", 3)]
    [InlineData("mnist-mlp", 1)]
    public async Task Batch_word_with_high_bytes_and_maximal_outputs_are_rejected_by_both(string name, int batch)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, batch);
        var pf = proof.ProofBytes.ToArray();
        var pi = proof.PublicInputs.ToArray();
        var vk = e.Vk;
        Assert.True((await BothAsync(d, pi, pf, "valid proof")).IsValid);

        // The batch word keeps B in its low bytes and gets non-zero high bytes.
        foreach (int shift in new[] { 32, 64, 128, 248, 255 })
        {
            var q = (byte[])pi.Clone();
            PutWord(q, 0, (BigInteger.One << shift) + batch);
            var r = await BothAsync(d, q, pf, $"batch word B + 2^{shift}");
            Assert.Equal(VerificationFailure.PublicInputs, r.Failure);
        }

        // Every output at the largest and at the smallest value of its packed width (yBytes, two's complement).
        int bp = (int)BitOperations.RoundUpToPowerOf2((uint)batch);
        int yAt = 32 + batch * vk.InputSize * vk.XBytes, yLen = bp * vk.OutputSize * vk.YBytes;
        foreach (bool max in new[] { true, false })
        {
            var q = (byte[])pi.Clone();
            for (int v = 0; v < bp * vk.OutputSize; v++)
            {
                var cell = q.AsSpan(yAt + v * vk.YBytes, vk.YBytes);
                cell.Fill(max ? (byte)0xff : (byte)0);
                cell[0] = max ? (byte)0x7f : (byte)0x80;
            }
            Assert.False((await BothAsync(d, q, pf, max ? "all outputs maximal" : "all outputs minimal")).IsValid);
            // both at once: high bytes in the batch word and extreme outputs
            PutWord(q, 0, (BigInteger.One << 200) + batch);
            Assert.Equal(VerificationFailure.PublicInputs, (await BothAsync(d, q, pf, "high batch bytes and extreme outputs")).Failure);
        }
        Assert.True(yAt + yLen <= pi.Length);
    }
}
