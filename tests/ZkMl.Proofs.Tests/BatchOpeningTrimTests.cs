using ZkMl.Algebra;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

/// <summary>The batched opening binding each E_g only on its live prefix against its plain twin (every E_g bound in full).</summary>
public class BatchOpeningTrimTests
{
    /// <summary>A random vector of 2^n entries whose entries from <paramref name="used"/> on are zero.</summary>
    private static Fr[] Vector(Random rng, int n, int used)
    {
        var v = TestSrs.RandomVector(rng, 1 << n);
        Array.Clear(v, used, v.Length - used);
        return v;
    }

    public static TheoryData<int, int[], int[]> Instances => new()
    {
        // seed, numVars per claim, used entries per claim (−1: all; claims 1 and 2 of equal n share a vector)
        { 1, new[] { 3 }, new[] { -1 } },
        { 2, new[] { 1, 0 }, new[] { 1, -1 } },
        { 3, new[] { 5, 5, 5, 2 }, new[] { 7, -1, -1, 3 } },
        { 4, new[] { 15, 14, 14, 13, 3, 0 }, new[] { 20001, 9999, -1, 8191, 5, -1 } },
        { 5, new[] { 15, 12, 15 }, new[] { 16385, 4095, -1 } },
        { 6, new[] { 14, 15, 1 }, new[] { 1, 32767, 2 } },
        { 7, new[] { 16, 13, 11 }, new[] { 40000, 8192, 1025 } },
        { 8, new[] { 13, 13, 13 }, new[] { 4096, -1, -1 } },
    };

    [Theory]
    [MemberData(nameof(Instances))]
    public void TrimmedReductionMatchesThePlainTwin(int seed, int[] numVars, int[] used)
    {
        var rng = new Random(seed);
        var vectors = new Fr[numVars.Length][];
        var claims = new OpeningClaim[numVars.Length];
        for (int i = 0; i < numVars.Length; i++)
        {
            bool share = i == 2 && numVars[1] == numVars[2];
            vectors[i] = share ? vectors[1] : Vector(rng, numVars[i], used[i] < 0 ? 1 << numVars[i] : used[i]);
            var x = TestSrs.RandomVector(rng, numVars[i]);
            // Claim 3 (if any) on a block: its leading coordinates 0/1 select a sub-vector.
            if (i == 3 && x.Length >= 2) { x[0] = Fr.One; x[1] = Fr.Zero; }
            var c = share ? claims[1].Commitment : G1Jacobian.FromAffine(G1Affine.Generator).ScalarMul(Fr.FromInt64(i + 2)).ToAffine();
            claims[i] = new OpeningClaim(c, x, TestSrs.Mle(vectors[i], x));
        }
        var tf = new Transcript("trim-test");
        var tp = new Transcript("trim-test");
        var f = BatchOpening.Reduce(tf, claims, vectors, trimEq: true);
        var p = BatchOpening.Reduce(tp, claims, vectors, trimEq: false);
        Assert.Equal(p.Rounds.Length, f.Rounds.Length);
        for (int k = 0; k < p.Rounds.Length; k++) Assert.Equal(p.Rounds[k], f.Rounds[k]);
        Assert.Equal(p.Evaluations, f.Evaluations);
        Assert.Equal(p.Joint, f.Joint);
        Assert.Equal(p.Point, f.Point);
        Assert.Equal(p.Value, f.Value);
        Assert.Equal(tp.ChallengeScalar("after"), tf.ChallengeScalar("after"));
        // and both are right: each group's evaluation is its vector's MLE at its own challenges
        var (groupOf, _) = BatchOpening.Vectors(claims);
        int nMax = numVars.Max();
        var ch = new Fr[nMax];
        Assert.Equal(nMax, f.Point.Length);
        for (int b = 0; b < nMax; b++) ch[b] = f.Point[MleOrder.PointIndexOfBit(nMax, b)];
        for (int i = 0; i < claims.Length; i++)
        {
            int n = numVars[i];
            var own = new Fr[n];
            for (int b = 0; b < n; b++) own[MleOrder.PointIndexOfBit(n, b)] = ch[b];
            Assert.Equal(TestSrs.Mle(vectors[i], own), f.Evaluations[groupOf[i]]);
        }
    }
}
