using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

/// <summary>Edge cases of the openings that the protocol review found untested (issue 14).</summary>
public class OpeningEdgeTests
{
    private static Srs Srs => TestSrs.Value;

    [Fact]
    public void Batched_opening_with_entries_beyond_the_declared_size_is_rejected()
    {
        // V has 2^4 entries, the top half non-zero; a claim declares V as a vector of 2^3 entries (its low half).
        // The verifier zero-pads a declared 3-variable vector to the joint size, so the committed high half
        // must make the opening fail; a second, larger vector makes the padding actually happen (N = 4).
        var rng = new Random(314);
        var v = TestSrs.RandomVector(rng, 16);
        var c = HyperKzg.Commit(Srs, v);
        var low = v[..8];
        var z = TestSrs.RandomVector(rng, 3);
        var other = TestSrs.RandomVector(rng, 16);
        var zo = TestSrs.RandomVector(rng, 4);
        var claims = new[] { new OpeningClaim(c, z, TestSrs.Mle(low, z)), new OpeningClaim(HyperKzg.Commit(Srs, other), zo, TestSrs.Mle(other, zo)) };
        var proof = BatchOpening.Prove(Srs, new Transcript("beyond"), claims, [low, other]);
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("beyond"), claims, proof, out var reason));
        Assert.Contains("HyperKZG", reason);
        // The same claim as a claim on the 4-variable vector with its top coordinate 0 is how the low half is opened.
        var aligned = new[] { new OpeningClaim(c, [Fr.Zero, .. z], TestSrs.Mle(low, z)), claims[1] };
        var ok = BatchOpening.Prove(Srs, new Transcript("beyond"), aligned, [v, other]);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, new Transcript("beyond"), aligned, ok, out reason), reason);
        // A commitment whose high half is zero passes with the 3-variable claim: the check is about the entries, not the label.
        var zeroHigh = (Fr[])v.Clone();
        Array.Fill(zeroHigh, Fr.Zero, 8, 8);
        var short3 = new[] { new OpeningClaim(HyperKzg.Commit(Srs, zeroHigh), z, TestSrs.Mle(low, z)), claims[1] };
        var p3 = BatchOpening.Prove(Srs, new Transcript("beyond"), short3, [low, other]);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, new Transcript("beyond"), short3, p3, out reason), reason);
        // Alone (N = 3, no padding) the high half still breaks the opening.
        var alone = new[] { claims[0] };
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("beyond"), alone, BatchOpening.Prove(Srs, new Transcript("beyond"), alone, [low]), out _));
    }

    public static TheoryData<int> FewVariables => new() { 0, 1, 2, 3 };

    [Theory]
    [MemberData(nameof(FewVariables))]
    public void HyperKzg_with_at_most_three_variables_honest_and_every_element_mutated(int l)
    {
        var rng = new Random(900 + l);
        var v = TestSrs.RandomVector(rng, 1 << l);
        var x = TestSrs.RandomVector(rng, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.Commit(Srs, v);
        var p = HyperKzg.Prove(Srs, new Transcript("few"), c, v, x, y);
        bool Check(G1Affine cc, Fr[] xx, Fr yy, HyperKzgProof q) => HyperKzg.Verify(TestSrs.Vk, new Transcript("few"), cc, xx, yy, q, out _);
        Assert.True(Check(c, x, y, p));
        var bytes = p.ToBytes();
        Assert.Equal(HyperKzgProof.EncodedLength(l), bytes.Length);
        Assert.True(HyperKzgProof.TryDecode(bytes, l, out var back, out var why), why);
        Assert.True(Check(c, x, y, back!));

        if (l == 0)
        {
            // A constant: no proof bytes at all; the commitment must be value·G.
            Assert.Empty(bytes);
            Assert.False(Check(c, x, y + Fr.One, p), "value");
            Assert.False(Check(TestSrs.Shift(c), x, y, p), "commitment");
            Assert.False(HyperKzgProof.TryDecode(new byte[32], 0, out _, out _));
            return;
        }
        HyperKzgProof Clone() => new((G1Affine[])p.FoldCommitments.Clone(), (Fr[])p.Evaluations.Clone(), p.EvalAtR8, (G1Affine[])p.Witnesses.Clone(), (Fr[])p.LastLevel.Clone(), p.InverseHint);
        int mutations = 0;
        for (int i = 0; i < p.FoldCommitments.Length; i++) { var q = Clone(); q.FoldCommitments[i] = TestSrs.Shift(q.FoldCommitments[i]); Assert.False(Check(c, x, y, q), $"fold {i}"); mutations++; }
        for (int i = 0; i < p.Witnesses.Length; i++) { var q = Clone(); q.Witnesses[i] = TestSrs.Shift(q.Witnesses[i]); Assert.False(Check(c, x, y, q), $"witness {i}"); mutations++; }
        for (int i = 0; i < p.Evaluations.Length; i++) { var q = Clone(); q.Evaluations[i] += Fr.One; Assert.False(Check(c, x, y, q), $"evaluation {i}"); mutations++; }
        for (int i = 0; i < p.LastLevel.Length; i++) { var q = Clone(); q.LastLevel[i] += Fr.One; Assert.False(Check(c, x, y, q), $"last level {i}"); mutations++; }
        Assert.False(Check(c, x, y, new HyperKzgProof(p.FoldCommitments, p.Evaluations, p.EvalAtR8 + Fr.One, p.Witnesses, p.LastLevel, p.InverseHint)), "P_0(r^8)");
        Assert.False(Check(c, x, y, new HyperKzgProof(p.FoldCommitments, p.Evaluations, p.EvalAtR8, p.Witnesses, p.LastLevel, p.InverseHint + Fr.One)), "inverse hint");
        Assert.True(mutations >= 4, $"only {mutations} proof elements for ℓ = {l}");
        // Every byte-level element of the encoding is bound too: +1 on each 32-byte word (a point's coordinate then leaves the curve).
        for (int o = 0; o + 32 <= bytes.Length; o += 32)
        {
            var m = (byte[])bytes.Clone();
            m[o + 31] ^= 1;
            Assert.False(HyperKzgProof.TryDecode(m, l, out var mq, out _) && Check(c, x, y, mq!), $"word at byte {o}");
        }
        Assert.False(Check(c, x, y + Fr.One, p), "value");
        Assert.False(Check(TestSrs.Shift(c), x, y, p), "commitment");
        for (int i = 0; i < l; i++) { var x2 = (Fr[])x.Clone(); x2[i] += Fr.One; Assert.False(Check(c, x2, y, p), $"point {i}"); }
        // A prover with a wrong value cannot make an accepting proof.
        var lie = HyperKzg.Prove(Srs, new Transcript("few"), c, v, x, y + Fr.One);
        Assert.False(Check(c, x, y + Fr.One, lie));
    }
}
