using System.Numerics;
using Xunit.Abstractions;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The generated verifiers of the example circuits on a real anvil node, against the C#
/// <see cref="InferenceVerifier"/> on the same bytes: valid proofs accepted, tampered statements and
/// proofs rejected by both, malformed calldata rejected, too little gas reverts.
/// </summary>
[Collection(VerifierContractCollection.Name)]
public class VerifierContractTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    private static readonly BigInteger R = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617");
    private static readonly BigInteger P = BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583");

    public static TheoryData<string, int> Cases => new() { { "tiny", 1 }, { "tiny", 3 }, { "mnist-mlp", 1 }, { "mnist-mlp", 16 } };

    public static TheoryData<string, int> MainCases => new() { { "tiny", 1 }, { "mnist-mlp", 1 }, { "mnist-mlp", 16 } };

    private static ExampleCircuits.Example Get(string name) => name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;

    /// <summary>Both verifiers on the same bytes; returns the common verdict (a revert counts as a rejection).</summary>
    private static async Task<bool> BothAsync(VerifierContractFixture.Deployed d, byte[] publicInputs, byte[] proofBytes, string what)
    {
        var cs = InferenceVerifier.Verify(d.Example.Vk, publicInputs, proofBytes);
        OnChainVerdict chain;
        if (publicInputs.Length % 32 == 0) chain = await d.Verifier.CallAsync(VerifierCalldata.Encode(proofBytes, publicInputs));
        else chain = new OnChainVerdict(false, false, "not encodable");
        Assert.True(cs.IsValid == chain.Accepted, $"{what}: C# {(cs.IsValid ? "accepts" : "rejects (" + cs.Reason + ")")}, contract {(chain.Accepted ? "accepts" : chain.Reverted ? "reverts" : "returns false")}");
        return cs.IsValid;
    }

    private static void PutWord(byte[] b, int offset, BigInteger v)
    {
        Array.Clear(b, offset, 32);
        var w = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        w.CopyTo(b, offset + 32 - w.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AcceptsValidProofAndReportsGas(string name, int batch)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, batch);
        Assert.True(await BothAsync(d, proof.PublicInputs.ToArray(), proof.ProofBytes.ToArray(), "valid proof"));
        Assert.InRange(d.Verifier.DeployedSize, 1, 24_576);
        Assert.Null(d.Verifier.FirstPartAddress); // a dense verifier is one contract
        var gas = await d.Verifier.MeasureAsync(proof);
        Assert.True(gas.Transaction.Success, gas.Transaction.Error);
        output.WriteLine($"{name} B={batch}: deployed {d.Verifier.DeployedSize} bytes; proof {proof.ProofSize} bytes, {proof.PublicInputs.Length / 32} public words; {gas}");
    }

    [Theory]
    [MemberData(nameof(MainCases))]
    public async Task RejectsWrongOutputAndWrongInput(string name, int batch)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, batch);
        var io = proof.DecodePublicIO(e.Vk);
        var pf = proof.ProofBytes.ToArray();

        var y = io.Outputs.ToArray();
        y[^1] += 1;
        Assert.False(await BothAsync(d, PublicIO.Create(e.Vk, batch, io.Inputs, y).Words.ToArray(), pf, "wrong output"));
        y = io.Outputs.ToArray();
        y[0] -= 1;
        Assert.False(await BothAsync(d, PublicIO.Create(e.Vk, batch, io.Inputs, y).Words.ToArray(), pf, "wrong output (first)"));

        var x = io.Inputs.ToArray();
        int i = x.Length / 2;
        x[i] = x[i] == 0 ? 1 : -x[i];
        Assert.False(await BothAsync(d, PublicIO.Create(e.Vk, batch, x, io.Outputs).Words.ToArray(), pf, "wrong input"));
        x = io.Inputs.ToArray();
        x[^1] = x[^1] == 5 ? 6 : 5;
        Assert.False(await BothAsync(d, PublicIO.Create(e.Vk, batch, x, io.Outputs).Words.ToArray(), pf, "wrong input (last)"));
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("mnist-mlp")]
    public async Task RejectsAProofOfAnotherModel(string name)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var other = ExampleCircuits.WithOneWeightChanged(e);
        Assert.NotEqual(e.Vk.DigestHex, other.Vk.DigestHex);
        var p = InferenceProver.Prove(other.Pk, e.Samples.Take(1).ToArray());
        Assert.True(InferenceVerifier.Verify(other.Vk, p).IsValid);
        Assert.False(await BothAsync(d, p.PublicInputs.ToArray(), p.ProofBytes.ToArray(), "proof of another model"));
    }

    [Theory]
    [MemberData(nameof(MainCases))]
    public async Task RejectsRandomSingleElementMutations(string name, int batch)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, batch);
        var pf = proof.ProofBytes.ToArray();
        var pi = proof.PublicInputs.ToArray();
        var rng = new Random(20261201 + batch);
        int words = pf.Length / 32;
        for (int k = 0; k < 60; k++)
        {
            var m = (byte[])pf.Clone();
            int w = rng.Next(words);
            switch (k % 3)
            {
                case 0: m[32 * w + 31] ^= (byte)(1 << rng.Next(8)); break; // a low-bit change
                case 1: PutWord(m, 32 * w, (new BigInteger(m.AsSpan(32 * w, 32), true, true) + 1) % R); break; // +1 mod r
                default: rng.NextBytes(m.AsSpan(32 * w + 4, 28)); break; // a random value in the low 28 bytes
            }
            Assert.False(await BothAsync(d, pi, m, $"mutation {k} of word {w}"));
        }
        // each kind of element once more, deterministically: first, middle, last word
        foreach (int w in new[] { 0, words / 2, words - 1 })
        {
            var m = (byte[])pf.Clone();
            m[32 * w + 31] ^= 1;
            Assert.False(await BothAsync(d, pi, m, $"word {w}"));
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("mnist-mlp")]
    public async Task MalformedProofsAndStatementsAreRejected(string name)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, 1);
        var pf = proof.ProofBytes.ToArray();
        var pi = proof.PublicInputs.ToArray();

        Assert.False(await BothAsync(d, pi, pf[..^32], "short proof"));
        Assert.False(await BothAsync(d, pi, pf[..^1], "proof one byte short"));
        Assert.False(await BothAsync(d, pi, [.. pf, .. new byte[32]], "long proof"));
        Assert.False(await BothAsync(d, pi, [], "empty proof"));

        var m = (byte[])pf.Clone();
        PutWord(m, 0, P); // C_1.x = p
        Assert.False(await BothAsync(d, pi, m, "coordinate = p"));
        m = (byte[])pf.Clone();
        PutWord(m, 32, (new BigInteger(m.AsSpan(32, 32), true, true) + 1) % P); // C_1 off the curve
        Assert.False(await BothAsync(d, pi, m, "off-curve point"));
        m = (byte[])pf.Clone();
        PutWord(m, 64 + 32, P + 5); // C_2.y ≥ p
        Assert.False(await BothAsync(d, pi, m, "coordinate ≥ p"));
        m = (byte[])pf.Clone();
        PutWord(m, pf.Length - 32, R); // the last evaluation = r
        Assert.False(await BothAsync(d, pi, m, "element = r"));
        m = (byte[])pf.Clone();
        PutWord(m, 128, R + 3); // LogUp S ≥ r
        Assert.False(await BothAsync(d, pi, m, "element ≥ r"));
        m = (byte[])pf.Clone();
        Array.Fill(m, (byte)0xff, 128, 32);
        Assert.False(await BothAsync(d, pi, m, "element 2^256 − 1"));

        var q = (byte[])pi.Clone();
        PutWord(q, 0, 0);
        Assert.False(await BothAsync(d, q, pf, "batch size 0"));
        q = (byte[])pi.Clone();
        PutWord(q, 0, e.Vk.MaxBatch + 1);
        Assert.False(await BothAsync(d, q, pf, "batch size above the maximum"));
        q = (byte[])pi.Clone();
        PutWord(q, 0, BigInteger.One << 200);
        Assert.False(await BothAsync(d, q, pf, "huge batch size"));
        Assert.False(await BothAsync(d, pi[..^32], pf, "public inputs one word short"));
        Assert.False(await BothAsync(d, [.. pi, .. new byte[32]], pf, "public inputs one word long"));
        Assert.False(await BothAsync(d, [], pf, "no public inputs"));
        q = (byte[])pi.Clone();
        q[32] = 0x80; // the first input = −128, outside ±127
        Assert.False(await BothAsync(d, q, pf, "input out of range"));
        int used = 32 + e.Vk.InputSize * e.Vk.XBytes + e.Vk.OutputSize * e.Vk.YBytes;
        if (used < pi.Length)
        {
            q = (byte[])pi.Clone();
            q[^1] = 1;
            Assert.False(await BothAsync(d, q, pf, "non-zero padding"));
        }

        // calldata that is not a valid ABI encoding: the ABI decoder reverts
        var call = VerifierCalldata.Encode(pf, pi);
        foreach (var bad in new[] { call[..4], call[..100], call[..^40] })
        {
            var v = await d.Verifier.CallAsync(bad);
            Assert.False(v.Accepted);
        }
        var wrongOffset = (byte[])call.Clone();
        wrongOffset[35] = 0xff; // the proof's offset points outside the calldata
        Assert.False((await d.Verifier.CallAsync(wrongOffset)).Accepted);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("mnist-mlp")]
    public async Task TooLittleGasReverts(string name)
    {
        var e = Get(name);
        var d = await fx.GetAsync(e);
        var proof = fx.Proof(e, 1);
        var call = VerifierCalldata.Encode(proof);
        var ok = await d.Verifier.SendAsync(call);
        Assert.True(ok.Transaction.Success);
        ulong used = ok.Transaction.GasUsed;
        // Out of gas anywhere, precompile calls included, must revert: never return false or true.
        for (int i = 1; i <= 12; i++)
        {
            ulong execGas = (used - ok.Breakdown.Intrinsic) * (ulong)i / 13;
            var v = await d.Verifier.CallAsync(call, ok.Breakdown.Intrinsic + execGas);
            Assert.True(v.Reverted, $"eth_call with {i}/13 of the gas: accepted={v.Accepted}");
        }
        var tx = await d.Verifier.SendAsync(call, used - 5_000);
        Assert.False(tx.Transaction.Success);
    }
}
