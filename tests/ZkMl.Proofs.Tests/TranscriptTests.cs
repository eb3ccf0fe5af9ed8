using System.Numerics;
using System.Text;
using ZkMl.Algebra;
using ZkMl.Proofs.Hashing;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

public class TranscriptTests
{
    private static Fr[] RunScript(Transcript t, Fr a, Fr[] v, byte[] g1, bool swapLabels = false)
    {
        t.AppendUInt64("size", 12345);
        t.AppendScalar(swapLabels ? "vec" : "a", a);
        t.AppendScalars(swapLabels ? "a" : "vec", v);
        t.AppendPoint("C", g1);
        var c1 = t.ChallengeScalar("alpha");
        t.AppendBytes("raw", [1, 2, 3]);
        var more = t.ChallengeScalars("beta", 2);
        return [c1, more[0], more[1]];
    }

    private static (Fr a, Fr[] v, byte[] g1) Inputs(int seed)
    {
        var rng = new Random(seed);
        var v = new Fr[5];
        for (int i = 0; i < v.Length; i++) v[i] = Fr.Random(rng);
        var g1 = new byte[64];
        rng.NextBytes(g1);
        return (Fr.Random(rng), v, g1);
    }

    [Fact]
    public void Deterministic()
    {
        var (a, v, g1) = Inputs(1);
        var x = RunScript(new Transcript("ZkMl-test"), a, v, g1);
        var y = RunScript(new Transcript("ZkMl-test"), a, v, g1);
        Assert.Equal(x, y);
        Assert.NotEqual(x[1], x[2]);
    }

    [Fact]
    public void LabelOrderDomainAndDataChangeChallenges()
    {
        var (a, v, g1) = Inputs(2);
        var baseline = RunScript(new Transcript("ZkMl-test"), a, v, g1);
        Assert.NotEqual(baseline[0], RunScript(new Transcript("ZkMl-test"), a, v, g1, swapLabels: true)[0]);
        Assert.NotEqual(baseline[0], RunScript(new Transcript("ZkMl-other"), a, v, g1)[0]);
        var g2 = (byte[])g1.Clone();
        g2[63] ^= 1;
        Assert.NotEqual(baseline[0], RunScript(new Transcript("ZkMl-test"), a, v, g2)[0]);
        var v2 = (Fr[])v.Clone();
        v2[4] += Fr.One;
        Assert.NotEqual(baseline[0], RunScript(new Transcript("ZkMl-test"), a, v2, g1)[0]);
        // Order of absorbs matters even with identical labels/data.
        var t1 = new Transcript("d"); t1.AppendScalar("x", Fr.One); t1.AppendScalar("x", Fr.Zero);
        var t2 = new Transcript("d"); t2.AppendScalar("x", Fr.Zero); t2.AppendScalar("x", Fr.One);
        Assert.NotEqual(t1.ChallengeScalar("c"), t2.ChallengeScalar("c"));
    }

    [Fact]
    public void CloneIsIndependent()
    {
        var t = new Transcript("d");
        t.AppendScalar("x", Fr.One);
        var c = t.Clone();
        Assert.Equal(t.ChallengeScalar("c"), c.ChallengeScalar("c"));
        t.AppendScalar("y", Fr.One);
        Assert.NotEqual(t.State, c.State);
    }

    [Fact]
    public void InvalidInputsThrow()
    {
        var t = new Transcript("d");
        Assert.Throws<ArgumentException>(() => t.AppendBytes(new string('x', 33), []));
        Assert.Throws<ArgumentException>(() => t.AppendBytes("", []));
        Assert.Throws<ArgumentException>(() => t.AppendBytes("é", []));
        Assert.Throws<ArgumentException>(() => t.AppendPoint("C", new byte[63]));
        Assert.Throws<ArgumentException>(() => t.AppendPoints("C", new byte[65]));
        Assert.Throws<ArgumentException>(() => new Transcript(""));
    }

    // Replays the script from the byte layout documented in docs/protocol.md ("Transcript"), using only raw
    // Keccak256 calls over contiguous buffers and BigInteger for the reduction mod r.
    [Fact]
    public void ReplayFromDocumentedByteLayout()
    {
        var (a, v, g1) = Inputs(3);
        var got = RunScript(new Transcript("ZkMl-test"), a, v, g1);

        byte[] s = Keccak256.Hash(Encoding.UTF8.GetBytes("ZkMl-test"));
        static byte[] L(string label) { var b = new byte[32]; Encoding.ASCII.GetBytes(label).CopyTo(b, 0); return b; }
        void Absorb(string label, byte[] data) => s = Keccak256.Hash([.. s, .. L(label), .. data]);
        Fr Challenge(string label)
        {
            s = Keccak256.Hash([.. s, .. L(label)]);
            var value = new BigInteger(s, isUnsigned: true, isBigEndian: true) % Fr.Modulus;
            return Fr.FromBigInteger(value);
        }
        var size = new byte[32]; size[30] = 12345 >> 8; size[31] = 12345 & 0xFF;
        Absorb("size", size);
        Absorb("a", a.ToBytesBigEndian());
        Absorb("vec", v.SelectMany(x => x.ToBytesBigEndian()).ToArray());
        Absorb("C", g1);
        var c1 = Challenge("alpha");
        Absorb("raw", [1, 2, 3]);
        var c2 = Challenge("beta");
        var c3 = Challenge("beta");
        Assert.Equal([c1, c2, c3], got);
    }

    // absorb-challenge (the sumcheck rounds, docs/protocol.md "Transcript"): s = keccak(s ‖ label32 ‖ data), the
    // challenge is s mod r; the state chains into later steps; label, data and the earlier state all change it.
    [Fact]
    public void AbsorbChallengeIsOneHashWhoseStateIsTheChallenge()
    {
        var (a, v, _) = Inputs(4);
        var t = new Transcript("ZkMl-test");
        t.AppendScalar("a", a);
        var before = t.State;
        var c = t.AbsorbChallenge("sumcheck_round", v);
        static byte[] L(string label) { var b = new byte[32]; Encoding.ASCII.GetBytes(label).CopyTo(b, 0); return b; }
        var s = Keccak256.Hash([.. before, .. L("sumcheck_round"), .. v.SelectMany(x => x.ToBytesBigEndian())]);
        Assert.Equal(s, t.State);
        Assert.Equal(new BigInteger(s, isUnsigned: true, isBigEndian: true) % Fr.Modulus, c.ToBigInteger());
        // the same as an absorb of the same bytes (the state), the challenge read from it
        var u = new Transcript("ZkMl-test");
        u.AppendScalar("a", a);
        u.AppendScalars("sumcheck_round", v);
        Assert.Equal(t.State, u.State);
        Assert.Equal(t.ChallengeScalar("next"), u.ChallengeScalar("next"));

        Fr Run(string label, Fr[] data, Fr first)
        {
            var x = new Transcript("ZkMl-test");
            x.AppendScalar("a", first);
            return x.AbsorbChallenge(label, data);
        }
        var v2 = (Fr[])v.Clone();
        v2[0] += Fr.One;
        Assert.NotEqual(c, Run("sumcheck_round", v2, a));
        Assert.NotEqual(c, Run("sumcheck_rounD", v, a));
        Assert.NotEqual(c, Run("sumcheck_round", v, a + Fr.One));
    }

    [Fact]
    public void ChallengeIsHashReducedModR()
    {
        // Find a state whose hash is ≥ r to exercise the reduction (probability ≈ 0.8 per try).
        for (int i = 0; i < 64; i++)
        {
            var t = new Transcript("reduce-" + i);
            var before = t.State;
            var c = t.ChallengeScalar("c");
            var raw = Keccak256.Hash([.. before, .. Encoding.ASCII.GetBytes("c"), .. new byte[31]]);
            var big = new BigInteger(raw, isUnsigned: true, isBigEndian: true);
            Assert.Equal(big % Fr.Modulus, c.ToBigInteger());
            Assert.Equal(raw, t.State);
        }
    }

    [Fact]
    public void G1AffineOverloadsUseEvmEncoding()
    {
        var enc = new byte[64];
        enc[31] = 1;
        enc[63] = 2; // generator (1, 2)
        var a = new Transcript("g"); a.AppendPoint("C", G1Affine.Generator);
        var b = new Transcript("g"); b.AppendPoint("C", enc);
        Assert.Equal(b.State, a.State);
        var c = new Transcript("g"); c.AppendPoints("Cs", [G1Affine.Generator, G1Affine.Infinity]);
        var d = new Transcript("g"); d.AppendPoints("Cs", [.. enc, .. new byte[64]]);
        Assert.Equal(d.State, c.State);
        var e = new Transcript("g"); e.AppendPoints("Cs", [G1Affine.Infinity, G1Affine.Generator]);
        Assert.NotEqual(d.State, e.State);
    }
}
