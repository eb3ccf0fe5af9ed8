namespace ZkMl.Algebra.Tests;

/// <summary>
/// <see cref="G1PairSums"/> (batched affine pair additions) against its Jacobian twin and a scalar reference, on points that
/// are often infinity, ±G or ±2G (so pairs hit P + P and P + (−P)), at lengths around the chunk size and the parallel
/// threshold.
/// </summary>
public class G1PairSumsTests
{
    private static readonly G1Jacobian G = G1Jacobian.Generator;

    private static (G1Affine[] Points, Fr[] Logs) Points(Random rng, int n)
    {
        var logs = new Fr[n];
        for (int i = 0; i < n; i++)
            logs[i] = rng.Next(4) switch { 0 => Fr.Zero, 1 => Fr.FromInt64(rng.Next(-2, 3)), _ => Fr.Random(rng) };
        var jac = logs.Select(k => G.ScalarMul(k)).ToArray();
        var pts = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, pts);
        return (pts, logs);
    }

    [Fact]
    public void Pair_sums_match_the_jacobian_twin_and_the_logs()
    {
        var rng = new Random(41);
        var sizes = Enumerable.Range(0, 40).Concat([G1PairSums.ChunkPairs - 1, G1PairSums.ChunkPairs, G1PairSums.ChunkPairs + 1, 3 * G1PairSums.ChunkPairs + 5]);
        foreach (int pairs in sizes)
        {
            var (src, logs) = Points(rng, 2 * pairs);
            var fast = new G1Affine[pairs];
            var twin = new G1Affine[pairs];
            G1PairSums.Compute(src, dst: fast);
            G1PairSums.PairSumsJacobian(src, twin);
            Assert.Equal(twin, fast);
            for (int j = 0; j < Math.Min(pairs, 24); j++) Assert.Equal(G.ScalarMul(logs[2 * j] + logs[2 * j + 1]).ToAffine(), fast[j]);
        }
    }

    [Fact]
    public void Parallel_pair_sums_and_sums_match_the_twin()
    {
        var rng = new Random(43);
        foreach (int pairs in new[] { G1PairSums.ParallelMinPairs - 1, G1PairSums.ParallelMinPairs, G1PairSums.ParallelMinPairs + 7 })
        {
            // Few distinct points (cheap to make), with doubling and cancelling pairs among them.
            var (pool, _) = Points(rng, 64);
            var src = new G1Affine[2 * pairs + 3];
            for (int i = 0; i < src.Length; i++) src[i] = pool[rng.Next(pool.Length)];
            var fast = new G1Affine[pairs + 2];
            G1PairSums.Compute(src, 1, 1, fast, 1, pairs);
            var twin = new G1Affine[pairs];
            G1PairSums.PairSumsJacobian(src.AsSpan(1, 2 * pairs), twin);
            Assert.Equal(twin, fast.AsSpan(1, pairs).ToArray());
            Assert.True(fast[0].IsInfinity && fast[^1].IsInfinity);

            var want = G1Jacobian.Infinity;
            foreach (var p in src) want += p;
            var copy = (G1Affine[])src.Clone();
            Assert.Equal(want.ToAffine(), G1PairSums.Sum(copy, copy.Length).ToAffine());
        }
    }

    [Fact]
    public void Sums_of_few_and_cancelling_points_are_right()
    {
        var rng = new Random(47);
        foreach (int n in new[] { 0, 1, 2, 31, 32, 33, 64, 65, 200, 1025 })
        {
            var (pts, logs) = Points(rng, n);
            var want = Fr.Zero;
            foreach (var k in logs) want += k;
            var got = G1PairSums.Sum(pts, n);
            Assert.Equal(G.ScalarMul(want).ToAffine(), got.ToAffine());
        }
        // Σ = infinity: each point next to its negation.
        var p = new G1Affine[100];
        for (int i = 0; i < 50; i++) { p[2 * i] = G.ScalarMul(Fr.Random(rng)).ToAffine(); p[2 * i + 1] = p[2 * i].Negate(); }
        Assert.True(G1PairSums.Sum(p, p.Length).IsInfinity);
    }

    /// <summary>The prefix sums Σ_(i &lt; 2^r) of <see cref="G1PairSums.Sum"/> at counts around the Jacobian tail's bound (32) and beyond.</summary>
    [Fact]
    public void Sum_prefixes_are_the_power_of_two_prefix_sums()
    {
        var rng = new Random(53);
        foreach (int n in new[] { 1, 2, 3, 31, 32, 33, 63, 64, 65, 128, 1000, 4096 })
        {
            var (pts, logs) = Points(rng, n);
            var prefixes = new G1Jacobian[14];
            var marker = G.Double();
            prefixes.AsSpan().Fill(marker);
            G1PairSums.Sum(pts, n, prefixes);
            for (int r = 0; r < prefixes.Length; r++)
            {
                if (1 << r > n) { Assert.True(prefixes[r] == marker, $"n = {n}, r = {r} left alone"); continue; }
                var want = Fr.Zero;
                for (int i = 0; i < 1 << r; i++) want += logs[i];
                Assert.True(G.ScalarMul(want) == prefixes[r], $"n = {n}, r = {r}");
            }
        }
    }

    /// <summary>In place (dst = src, one thread and parallel parts) and strided (every other point) pair sums equal the twin.</summary>
    [Fact]
    public void In_place_and_strided_pair_sums_match_the_twin()
    {
        var rng = new Random(59);
        var (pool, _) = Points(rng, 64);
        foreach (int pairs in new[] { 1, 7, G1PairSums.ChunkPairs + 3, G1PairSums.ParallelMinPairs - 1, G1PairSums.ParallelMinPairs + 5, 3 * G1PairSums.ParallelMinPairs })
        {
            var src = new G1Affine[2 * pairs + 1];
            for (int i = 0; i < src.Length; i++) src[i] = pool[rng.Next(pool.Length)];
            var twin = new G1Affine[pairs];
            G1PairSums.PairSumsJacobian(src.AsSpan(0, 2 * pairs), twin);
            var inPlace = (G1Affine[])src.Clone();
            G1PairSums.Compute(inPlace, 0, 1, inPlace, 0, pairs);
            Assert.Equal(twin, inPlace.AsSpan(0, pairs).ToArray());
            Assert.Equal(src[^1], inPlace[^1]);

            int half = pairs / 2; // pairs (src[1 + 4j], src[3 + 4j])
            var odds = Enumerable.Range(0, 2 * half).Select(i => src[2 * i + 1]).ToArray();
            var twinOdd = new G1Affine[half];
            G1PairSums.PairSumsJacobian(odds, twinOdd);
            var strided = new G1Affine[half];
            G1PairSums.Compute(src, 1, 2, strided, 0, half);
            Assert.Equal(twinOdd, strided);
        }
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => G1PairSums.Compute(new G1Affine[5], new G1Affine[2]));
        Assert.Throws<ArgumentException>(() => G1PairSums.Compute(new G1Affine[4], 1, 1, new G1Affine[2], 0, 2));
        Assert.Throws<ArgumentException>(() => G1PairSums.Compute(new G1Affine[8], 1, 2, new G1Affine[2], 0, 3));
    }
}
