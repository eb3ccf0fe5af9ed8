using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The prover's per-level mask points (docs/protocol.md "Batched openings" → "ZK mode", "Prover: the mask's folds"): the
/// HyperKZG fold commitments take the mask's affine and top-block part through an MSM of N − 3i + 1 + K points per level
/// instead of a dense MSM over the joint vector's folds. Prover side only: the proof bytes equal those of the dense
/// reference twin (<c>ZkBatchOpening.Prove(…, denseMaskFolds: true)</c>) for the same randomness.
/// </summary>
public class ZkMaskFoldTests
{
    private static Srs Srs => TestSrs.Value;

    /// <summary>N = 7 (K = 2), 8 (K = 4), 9 (K = 8): one fold level; N = 10 and 12: two (N − 3i = 7, 4 and 9, 6).</summary>
    public static TheoryData<int, int, int[]> Shapes => new()
    {
        { 0, 0, new[] { 7, 3 } },
        { 2, 6, new[] { 8, 2 } },
        { 4, 5, new[] { 9, 4, 0 } },
        { 0, 0, new[] { 10 } },
        { 4, 10, new[] { 12, 6 } },
    };

    private static (ZkOpeningMask Mask, ZkBatchOpeningProof Proof) Run(ZkOpeningCase c, int seed, bool dense, Func<int, IReadOnlyList<G1Affine>>? points = null)
    {
        var rng = new SeededRng(seed);
        var n = c.NumVars;
        var exact = ZkOpeningSetup.MaskPoints(Srs, n);
        var mask = points is null ? ZkOpeningMask.Sample(Srs, exact, n, rng) : ZkOpeningMask.Sample(Srs, points, n, rng);
        var proof = ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask, true, rng, denseMaskFolds: dense);
        return (mask, proof);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Per_level_mask_points_give_the_dense_provers_bytes(int parts, int partVars, int[] others)
    {
        var c = ZkOpeningCase.Make(300 + others.Sum() + parts, parts, partVars, others);
        Assert.True(HyperKzg.OpenedLevels(c.NumVars) >= 2, "the shape has a fold level");
        var (mask, fast) = Run(c, 7, dense: false);
        var (_, dense) = Run(c, 7, dense: true);
        Assert.Equal(dense.ToBytes(), fast.ToBytes());
        Assert.True(c.Verify(mask.Commitments, fast, out var why), why);
    }

    [Fact]
    public void Per_level_mask_points_with_precomputed_fold_bases_give_the_dense_provers_bytes()
    {
        // Model parts with FoldBases (the FixedPart path) and the mask part in the same fold levels.
        var rng = new Random(21);
        int partVars = 9, parts = 2;
        var vectors = new List<ZkOpeningVector>();
        var ws = new List<ZkOpeningWitness>();
        for (int j = 0; j < parts; j++)
        {
            var ints = Enumerable.Range(0, 1 << partVars).Select(_ => (long)rng.Next(-128, 128)).ToArray();
            var com = HyperKzg.CommitSmallHiding(Srs, ints);
            vectors.Add(new ZkOpeningVector($"model part {j}", com.Commitment, partVars));
            ws.Add(new ZkOpeningWitness(ints.Select(Fr.FromInt64).ToArray(), com.Blinding, FoldBases.Compute(Srs, ints, 2)));
        }
        var w = TestSrs.RandomVector(rng, 1 << 10);
        var cw = HyperKzg.CommitHiding(Srs, w);
        vectors.Add(new ZkOpeningVector("W1", cw.Commitment, 10));
        ws.Add(new ZkOpeningWitness(w, cw.Blinding));
        var model = Enumerable.Range(0, parts).SelectMany(j => ws[j].Values).ToArray();
        var z = TestSrs.RandomVector(rng, 10);
        var zw = TestSrs.RandomVector(rng, 10);
        var c = new ZkOpeningCase
        {
            Vectors = [.. vectors],
            Witnesses = [.. ws],
            Claims = [ZkOpeningClaim.OnParts([0, 1], z, TestSrs.Mle(model, z)), ZkOpeningClaim.At(2, zw, TestSrs.Mle(w, zw))],
        };
        var (mask, fast) = Run(c, 8, dense: false);
        var (_, dense) = Run(c, 8, dense: true);
        Assert.Equal(dense.ToBytes(), fast.ToBytes());
        Assert.True(c.Verify(mask.Commitments, fast, out var why), why);
    }

    [Fact]
    public void Wrong_level_points_change_the_fold_commitments_and_the_proof_fails()
    {
        // Teeth: the fast prover really commits the mask's folds through the level points. Swapping S_0 and S_1 of a fold
        // level's points (the N points, used for C_D1 and C_D2, stay right) gives other fold commitments: the proof differs from
        // the dense one and is rejected; a level's points of the wrong count are refused with a message.
        var c = ZkOpeningCase.Make(404, 0, 0, 10, 5);
        int n = c.NumVars;
        var exact = ZkOpeningSetup.MaskPoints(Srs, n);
        IReadOnlyList<G1Affine> Swapped(int m)
        {
            if (m == n) return exact;
            var p = ZkOpeningSetup.MaskPoints(Srs, m);
            (p[1], p[2]) = (p[2], p[1]);
            return p;
        }
        var (mask, bad) = Run(c, 9, dense: false, Swapped);
        var (_, dense) = Run(c, 9, dense: true);
        Assert.NotEqual(dense.ToBytes(), bad.ToBytes());
        Assert.False(c.Verify(mask.Commitments, bad, out _));

        IReadOnlyList<G1Affine> Short(int m) => m == n ? exact : ZkOpeningSetup.MaskPoints(Srs, m)[..^1];
        var e = Assert.Throws<ArgumentException>(() => Run(c, 9, dense: false, Short));
        Assert.Contains("mask points for 7 variables (fold level 1)", e.Message);
    }
}
