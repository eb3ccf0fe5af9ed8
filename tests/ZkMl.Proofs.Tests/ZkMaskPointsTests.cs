using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// <see cref="ZkOpeningSetup.MaskPoints(Srs, int, long)"/> (batched affine pair additions) against the algorithm it replaced,
/// kept here as <see cref="Reference"/>: a pairwise tree of Jacobian additions over all 2^N powers (those from L* on as
/// infinity), S_b summing the odd blocks of each level.
/// </summary>
public class ZkMaskPointsTests
{
    private static Srs Srs => TestSrs.Value;

    /// <summary>The previous implementation (Jacobian block tree over 2^N entries), unchanged but for its parallel chunks.</summary>
    internal static G1Affine[] Reference(G1Affine[] powers, int numVars, long used)
    {
        int topBlocks = HyperKzg.LastLevelSize(numVars), topLevel = numVars - System.Numerics.BitOperations.Log2((uint)Math.Max(1, topBlocks));
        var result = new G1Jacobian[numVars + 1 + topBlocks];
        int n = 1 << numVars;
        if (numVars == 0) return [powers[0]];
        var blocks = new G1Jacobian[n / 2];
        var acc = G1Jacobian.Infinity;
        for (int j = 0; j < n / 2; j++)
        {
            if (2L * j + 1 < used)
            {
                blocks[j] = G1Jacobian.FromAffine(powers[2 * j]) + powers[2 * j + 1];
                acc += powers[2 * j + 1];
            }
            else blocks[j] = 2L * j < used ? G1Jacobian.FromAffine(powers[2 * j]) : G1Jacobian.Infinity;
        }
        result[1] = acc;
        for (int b = 1; b < numVars; b++)
        {
            if (b == topLevel) blocks.AsSpan(0, topBlocks).CopyTo(result.AsSpan(numVars + 1));
            var next = new G1Jacobian[blocks.Length / 2];
            acc = G1Jacobian.Infinity;
            for (int j = 0; j < next.Length; j++)
            {
                next[j] = blocks[2 * j] + blocks[2 * j + 1];
                acc += blocks[2 * j + 1];
            }
            result[b + 1] = acc;
            blocks = next;
        }
        result[0] = blocks[0];
        var affine = new G1Affine[result.Length];
        G1Jacobian.BatchToAffine(result, affine);
        return affine;
    }

    /// <summary>L* values for N: 1, 2, small odd values, around every block boundary 2^k (k ≤ N), 2^N − 1 and 2^N, and random ones.</summary>
    private static IEnumerable<long> Lengths(int numVars, Random rng)
    {
        long n = 1L << numVars;
        var set = new SortedSet<long> { 1, 2, 3, 5, 7, n - 1, n };
        for (int k = 1; k <= numVars; k++)
            foreach (long d in new long[] { -1, 0, 1 }) set.Add((1L << k) + d);
        // near the top-block boundaries and random
        int top = HyperKzg.LastLevelSize(numVars);
        for (int u = 1; u < top; u++)
            foreach (long d in new long[] { -1, 0, 1 }) set.Add(n / top * u + d);
        for (int t = 0; t < 4; t++) set.Add(1 + rng.NextInt64(n));
        return set.Where(l => l >= 1 && l <= n);
    }

    [Fact]
    public void Mask_points_equal_the_jacobian_reference_on_the_dev_srs()
    {
        var rng = new Random(17);
        for (int numVars = 0; numVars <= 12; numVars++)
            foreach (long used in Lengths(numVars, rng))
                Assert.True(Reference(Srs.G1Array, numVars, used).SequenceEqual(ZkOpeningSetup.MaskPoints(Srs, numVars, used)), $"N = {numVars}, L* = {used}");
    }

    /// <summary>
    /// Above the parallel threshold of the pair additions (2^13 pairs at the first level): N = 14 and 15 over powers of
    /// a small SRS repeated (the test SRS has 2^14 powers).
    /// </summary>
    [Fact]
    public void Mask_points_equal_the_reference_above_the_parallel_threshold()
    {
        for (int numVars = 14; numVars <= 15; numVars++)
        {
            var powers = new G1Affine[1 << numVars];
            for (int i = 0; i < powers.Length; i++) powers[i] = Srs.G1Array[i % ((1 << 14) - 1)];
            foreach (long used in new long[] { (1L << numVars) - 1, 1L << numVars, (1L << 13) + 1, 3 * (1L << 12) - 1, (1L << 14) + 3 }.Where(l => l <= 1L << numVars))
                Assert.True(Reference(powers, numVars, used).SequenceEqual(ZkOpeningSetup.MaskPoints(powers, numVars, used)), $"N = {numVars}, L* = {used}");
        }
    }

    /// <summary>
    /// SRS-like sets that make the additions meet every exceptional case: τ = 1 (all powers G: every pair sum a doubling),
    /// τ = −1 (G, −G, …: P + (−P) = infinity in the first level, and sums that are infinity later), τ = 0 (G then
    /// infinity), and random mixes of ±G, ±2G, infinity and random points.
    /// </summary>
    [Fact]
    public void Mask_points_equal_the_reference_on_degenerate_point_sets()
    {
        var g = G1Jacobian.Generator;
        var rng = new Random(29);
        var sets = new List<(string Name, G1Affine[] Points)>();
        foreach (var (name, tau) in new[] { ("τ = 1", Fr.One), ("τ = −1", -Fr.One), ("τ = 0", Fr.Zero), ("τ = 2", Fr.FromInt64(2)) })
        {
            var p = new G1Affine[1 << 12];
            var k = Fr.One;
            for (int i = 0; i < p.Length; i++) { p[i] = g.ScalarMul(k).ToAffine(); k *= tau; }
            sets.Add((name, p));
        }
        for (int s = 0; s < 3; s++)
        {
            var p = new G1Affine[1 << 12];
            for (int i = 0; i < p.Length; i++)
                p[i] = rng.Next(6) switch
                {
                    0 => G1Affine.Infinity,
                    1 => g.ToAffine(),
                    2 => g.Negate().ToAffine(),
                    3 => g.Double().ToAffine(),
                    4 => g.Double().Negate().ToAffine(),
                    _ => g.ScalarMul(Fr.Random(rng)).ToAffine(),
                };
            sets.Add(($"random mix {s}", p));
        }
        foreach (var (name, p) in sets)
            for (int numVars = 0; numVars <= 12; numVars++)
                foreach (long used in Lengths(numVars, rng))
                    Assert.True(Reference(p, numVars, used).SequenceEqual(ZkOpeningSetup.MaskPoints(p, numVars, used)), $"{name}, N = {numVars}, L* = {used}");
    }

    /// <summary>
    /// The table of every N from one tree (<see cref="ZkOpeningSetup.MaskPointsUpTo(Srs, int, int)"/>) equals one
    /// <see cref="ZkOpeningSetup.MaskPoints(Srs, int)"/> per N and the reference, for several ranges (the odd-block sums'
    /// prefixes come from their pair levels for large N and from their Jacobian tail for small N), and on a degenerate set.
    /// </summary>
    [Fact]
    public void The_table_from_one_tree_equals_one_call_per_size()
    {
        foreach (var (lo, hi) in new[] { (1, 1), (1, 5), (4, 4), (4, 13), (7, 12), (13, 14) })
        {
            var table = ZkOpeningSetup.MaskPointsUpTo(Srs, lo, hi);
            Assert.Equal(hi - lo + 1, table.Length);
            for (int n = lo; n <= hi; n++)
            {
                Assert.True(ZkOpeningSetup.MaskPoints(Srs, n).SequenceEqual(table[n - lo]), $"{lo} … {hi}: N = {n}");
                if (n <= 12) Assert.True(Reference(Srs.G1Array, n, 1L << n).SequenceEqual(table[n - lo]), $"{lo} … {hi}: N = {n} (reference)");
            }
        }
        var g = G1Jacobian.Generator;
        var p = new G1Affine[1 << 10];
        for (int i = 0; i < p.Length; i++) p[i] = (i % 3 == 2 ? g.Negate() : i % 5 == 4 ? G1Jacobian.Infinity : g).ToAffine();
        var t = ZkOpeningSetup.MaskPointsUpTo(p, 2, 10);
        for (int n = 2; n <= 10; n++) Assert.True(Reference(p, n, 1L << n).SequenceEqual(t[n - 2]), $"degenerate set, N = {n}");
        Assert.Throws<ArgumentException>(() => ZkOpeningSetup.MaskPointsUpTo(Srs, 0, 3));
        Assert.Throws<ArgumentException>(() => ZkOpeningSetup.MaskPointsUpTo(Srs, 4, 15));
    }

    /// <summary>
    /// SumOddBlocks' prefixes: entry r is the sum of the first 2^r odd blocks (level[1], level[3], …) for every 2^r ≤ count, and
    /// the entries past that are left alone, also for odd counts (review of session 25: they once held shorter sums).
    /// </summary>
    [Fact]
    public void Odd_block_prefixes_cover_only_whole_prefixes()
    {
        var level = Srs.G1Array[..200];
        foreach (int count in new[] { 1, 2, 3, 5, 7, 8, 9, 33, 64, 65, 99 })
        {
            var prefixes = new G1Jacobian[9];
            var sentinel = G1Jacobian.Generator.Double();
            Array.Fill(prefixes, sentinel);
            var odd = new G1Affine[Math.Max(1, (count + 1) / 2)];
            var total = ZkOpeningSetup.SumOddBlocks(level, count, odd, prefixes);
            var acc = G1Jacobian.Infinity;
            for (int j = 0; j < count; j++) acc += level[2 * j + 1];
            Assert.True(acc == total, $"count {count}: total");
            for (int r = 0; r < prefixes.Length; r++)
            {
                if (1 << r > count) { Assert.True(prefixes[r] == sentinel, $"count {count}: prefix {r} written"); continue; }
                var want = G1Jacobian.Infinity;
                for (int j = 0; j < 1 << r; j++) want += level[2 * j + 1];
                Assert.True(want == prefixes[r], $"count {count}: prefix {r}");
            }
        }
    }

    /// <summary>The comparison can fail: a reference run over one point changed differs.</summary>
    [Fact]
    public void A_changed_power_changes_the_mask_points()
    {
        var p = Srs.G1Array[..(1 << 6)];
        p[37] = G1Affine.Generator;
        Assert.False(Reference(p, 6, 50).SequenceEqual(ZkOpeningSetup.MaskPoints(Srs, 6, 50)));
        Assert.True(Reference(p, 6, 37).SequenceEqual(ZkOpeningSetup.MaskPoints(Srs, 6, 37)));
    }
}
