namespace ZkMl.Algebra.Tests;

/// <summary>
/// MSM against an independent reference: every base is built as Pᵢ = kᵢ·G with a known discrete log
/// kᵢ (by additions of a few random multiples of G), so Σ sᵢ·Pᵢ = (Σ sᵢ·kᵢ)·G needs one scalar
/// multiplication and field arithmetic only.
/// </summary>
public class MsmTests
{
    private const int MaxN = 1024;
    private static readonly (G1Affine[] Points, Fr[] Logs) Bases = BuildBases(MaxN, 11);

    private static (G1Affine[], Fr[]) BuildBases(int n, int seed)
    {
        var rng = new Random(seed);
        var q = new G1Jacobian[16];
        var r = new Fr[16];
        for (int j = 0; j < q.Length; j++) { r[j] = Fr.Random(rng); q[j] = G1Jacobian.Generator.ScalarMul(r[j]); }
        var jac = new G1Jacobian[n];
        var logs = new Fr[n];
        var acc = G1Jacobian.Generator;
        var k = Fr.One;
        for (int i = 0; i < n; i++)
        {
            int h = rng.Next(q.Length);
            acc += q[h];
            k += r[h];
            jac[i] = acc;
            logs[i] = k;
        }
        var aff = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, aff);
        return (aff, logs);
    }

    private static G1Jacobian Expected(ReadOnlySpan<Fr> logs, ReadOnlySpan<Fr> scalars)
    {
        var sum = Fr.Zero;
        for (int i = 0; i < scalars.Length; i++) sum += logs[i] * scalars[i];
        return G1Jacobian.Generator.ScalarMul(sum);
    }

    [Fact]
    public void ReferenceBasesHaveTheClaimedLogs()
    {
        foreach (int i in new[] { 0, 1, 500, MaxN - 1 })
            Assert.Equal(G1Jacobian.Generator.ScalarMul(Bases.Logs[i]), G1Jacobian.FromAffine(Bases.Points[i]));
    }

    [Fact]
    public void SmallScalarsEverySizeUpTo1024()
    {
        var rng = new Random(21);
        for (int n = 0; n <= MaxN; n++)
        {
            var s = new long[n];
            int bits = 1 + n % 20; // vary the needed bit-length, and so the window count
            for (int i = 0; i < n; i++) s[i] = rng.NextInt64(-(1L << bits) + 1, 1L << bits);
            var fr = s.Select(Fr.FromInt64).ToArray();
            var expected = Expected(Bases.Logs.AsSpan(0, n), fr);
            Assert.True(expected == Msm.ComputeSmall(Bases.Points.AsSpan(0, n), s, threads: 1 + n % 3), $"small MSM wrong at n = {n}");
        }
    }

    [Fact]
    public void FullScalarsAtManySizes()
    {
        var rng = new Random(22);
        var sizes = Enumerable.Range(0, 40).Concat([63, 64, 65, 127, 128, 255, 256, 257, 511, 1024]);
        foreach (int n in sizes)
        {
            var s = new Fr[n];
            for (int i = 0; i < n; i++) s[i] = Fr.Random(rng);
            var expected = Expected(Bases.Logs.AsSpan(0, n), s);
            Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s), $"MSM wrong at n = {n}");
            if (n % 7 == 1) Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s, threads: 1), $"1-thread MSM wrong at n = {n}");
        }
    }

    [Fact]
    public void FullScalarsEverySizeUpTo1024()
    {
        // Every n in 0…1024 with full random field scalars (the "every size"); the thread count
        // varies so both the single-thread path and the chunked parallel path (batch-affine from 512
        // points per task) meet every size class.
        var rng = new Random(27);
        for (int n = 0; n <= MaxN; n++)
        {
            var s = new Fr[n];
            for (int i = 0; i < n; i++) s[i] = Fr.Random(rng);
            var expected = Expected(Bases.Logs.AsSpan(0, n), s);
            int threads = 1 + n % 2;
            Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s, threads), $"full MSM wrong at n = {n} ({threads} threads)");
        }
    }

    [Fact]
    public void MatchesTheLiteralNaiveSum()
    {
        // Σ sᵢ·Pᵢ by one scalar multiplication and one addition per term, independent of the discrete logs.
        var rng = new Random(28);
        for (int n = 0; n <= 48; n++)
        {
            var s = new Fr[n];
            for (int i = 0; i < n; i++) s[i] = (i % 5) switch { 0 => Fr.Zero, 1 => -Fr.One, 2 => Fr.FromInt64(-rng.Next(1, 1000)), _ => Fr.Random(rng) };
            var naive = G1Jacobian.Infinity;
            for (int i = 0; i < n; i++) naive += G1Jacobian.FromAffine(Bases.Points[i]).ScalarMul(s[i]);
            Assert.True(naive == Msm.Compute(Bases.Points.AsSpan(0, n), s), $"n = {n}");
            var small = new long[n];
            for (int i = 0; i < n; i++) small[i] = rng.Next(-100_000, 100_000);
            naive = G1Jacobian.Infinity;
            for (int i = 0; i < n; i++) naive += G1Jacobian.FromAffine(Bases.Points[i]).ScalarMul(Fr.FromInt64(small[i]));
            Assert.True(naive == Msm.ComputeSmall(Bases.Points.AsSpan(0, n), small), $"small, n = {n}");
        }
    }

    private static readonly int[] AdversarialSizes = [0, 1, 2, 3, 7, 31, 64, 255, 256, 257, 511, 512, 513, 1000, 1024];

    [Theory]
    [MemberData(nameof(AdversarialSets))]
    public void AdversarialScalarsAtManySizes(string kind)
    {
        // The same adversarial sets at sizes around the window, chunk and batch-affine thresholds, on one
        // and on two threads; sets that fit in a long also go through the small-scalar path.
        var rng = new Random(29);
        var minusOne = -Fr.One;
        foreach (int n in AdversarialSizes)
        {
            var s = new Fr[n];
            long[]? small = kind is "zero" or "equal" or "small-negative" or "one-nonzero" ? new long[n] : null;
            for (int i = 0; i < n; i++)
            {
                long v = kind switch
                {
                    "equal" => 0xDEADBEEF,
                    "small-negative" => -rng.Next(1, 200),
                    "one-nonzero" => i == n / 2 ? -rng.NextInt64(1, long.MaxValue) : 0,
                    _ => 0,
                };
                if (small != null) small[i] = v;
                s[i] = kind switch
                {
                    "zero" or "equal" or "small-negative" or "one-nonzero" => Fr.FromInt64(v),
                    "r-1" => minusOne,
                    "mixed" => (i % 4) switch { 0 => Fr.Random(rng), 1 => Fr.FromInt64(rng.Next(-128, 128)), 2 => minusOne, _ => Fr.FromInt64(rng.NextInt64(int.MinValue, int.MaxValue)) },
                    _ => Fr.FromUInt64(2).Pow(i % 254),
                };
            }
            var expected = Expected(Bases.Logs.AsSpan(0, n), s);
            Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s, threads: 1), $"{kind}, n = {n}, 1 thread");
            Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s, threads: 2), $"{kind}, n = {n}, 2 threads");
            if (small != null)
            {
                Assert.True(expected == Msm.ComputeSmall(Bases.Points.AsSpan(0, n), small, threads: 1), $"{kind} small, n = {n}, 1 thread");
                Assert.True(expected == Msm.ComputeSmall(Bases.Points.AsSpan(0, n), small, threads: 2), $"{kind} small, n = {n}, 2 threads");
            }
            if (kind == "zero") Assert.True(Msm.Compute(Bases.Points.AsSpan(0, n), s).IsInfinity);
        }
    }

    [Fact]
    public void BatchAffineQueueAndOverflowWhenFewBucketsAreHit()
    {
        // All points in one or two buckets: the retry queue fills and the rest goes through the Jacobian
        // overflow accumulators, which must also handle equal points (doubling) and opposite points.
        var rng = new Random(30);
        const int n = MaxN;
        var pts = new G1Affine[n];
        var logs = new Fr[n];
        for (int i = 0; i < n; i++)
        {
            int src = (i % 4) switch { 0 => 7, 1 => rng.Next(MaxN), _ => rng.Next(8) };
            bool neg = i % 5 == 0;
            pts[i] = neg ? Bases.Points[src].Negate() : Bases.Points[src];
            logs[i] = neg ? -Bases.Logs[src] : Bases.Logs[src];
        }
        var equal = Enumerable.Repeat(Fr.Random(rng), n).ToArray();
        var limbs = new ulong[4 * n];
        for (int i = 0; i < n; i++) equal[i].ToCanonicalLimbs(out limbs[4 * i], out limbs[4 * i + 1], out limbs[4 * i + 2], out limbs[4 * i + 3]);
        var expected = Expected(logs, equal);
        foreach (int c in new[] { 1, 2, 3, 8, 13 })
            Assert.True(expected == Msm.Run(pts, limbs, 4, null, 254, threads: 1, window: c, batchAffineMin: 0), $"equal scalars, window {c}");
        Assert.True(expected == Msm.Compute(pts, equal, threads: 1));

        // Magnitudes 1 and 2 only (two buckets at c = 2), signs mixed: P and −P meet in the same bucket.
        var mags = new ulong[n];
        var signs = new bool[n];
        for (int i = 0; i < n; i++) { mags[i] = (ulong)(1 + i % 2); signs[i] = rng.Next(2) == 0; }
        var small = Enumerable.Range(0, n).Select(i => signs[i] ? -Fr.FromUInt64(mags[i]) : Fr.FromUInt64(mags[i])).ToArray();
        Assert.True(Expected(logs, small) == Msm.Run(pts, mags, 1, signs, 2, threads: 1, window: 2, batchAffineMin: 0));
        // A bucket that sums to infinity in the affine part and again in the overflow part.
        var pair = Enumerable.Range(0, 600).Select(i => i % 2 == 0 ? Bases.Points[9] : Bases.Points[9].Negate()).ToArray();
        var ones = Enumerable.Repeat(1UL, 600).ToArray();
        Assert.True(Msm.Run(pair, ones, 1, null, 1, threads: 1, window: 1, batchAffineMin: 0).IsInfinity);
    }

    [Fact]
    public void EveryWindowSizeAgrees()
    {
        var rng = new Random(23);
        const int n = 70;
        var s = new Fr[n];
        for (int i = 0; i < n; i++) s[i] = Fr.Random(rng);
        var expected = Expected(Bases.Logs.AsSpan(0, n), s);
        var limbs = new ulong[4 * n];
        for (int i = 0; i < n; i++) s[i].ToCanonicalLimbs(out limbs[4 * i], out limbs[4 * i + 1], out limbs[4 * i + 2], out limbs[4 * i + 3]);
        for (int c = 1; c <= 16; c++)
        {
            Assert.True(expected == Msm.Run(Bases.Points.AsSpan(0, n), limbs, 4, null, 254, threads: 2, window: c, batchAffineMin: int.MaxValue), $"window {c}");
            Assert.True(expected == Msm.Run(Bases.Points.AsSpan(0, n), limbs, 4, null, 254, threads: 2, window: c, batchAffineMin: 0), $"batch-affine window {c}");
        }
    }

    public static TheoryData<string> AdversarialSets => new() { "zero", "equal", "r-1", "small-negative", "mixed", "one-nonzero", "powers-of-two" };

    [Theory]
    [MemberData(nameof(AdversarialSets))]
    public void AdversarialScalars(string kind)
    {
        var rng = new Random(24);
        const int n = 300;
        var minusOne = -Fr.One;
        var s = new Fr[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = kind switch
            {
                "zero" => Fr.Zero,
                "equal" => Fr.FromUInt64(0xDEADBEEF),
                "r-1" => minusOne,
                "small-negative" => Fr.FromInt64(-rng.Next(1, 200)),
                "mixed" => (i % 3) switch { 0 => Fr.Random(rng), 1 => Fr.FromInt64(rng.Next(-128, 128)), _ => minusOne },
                "one-nonzero" => i == 137 ? Fr.Random(rng) : Fr.Zero,
                _ => Fr.One.Pow(1) * Fr.FromUInt64(2).Pow(i % 254),
            };
        }
        var expected = Expected(Bases.Logs.AsSpan(0, n), s);
        Assert.True(expected == Msm.Compute(Bases.Points.AsSpan(0, n), s), kind);
        if (kind == "zero") Assert.True(Msm.Compute(Bases.Points.AsSpan(0, n), s).IsInfinity);
    }

    [Fact]
    public void RepeatedAndInfinityBasesAndCancellation()
    {
        var rng = new Random(25);
        const int n = 200;
        var pts = new G1Affine[n];
        var logs = new Fr[n];
        for (int i = 0; i < n; i++)
        {
            int src = i % 3 == 0 ? 5 : rng.Next(MaxN); // many copies of base 5
            bool inf = i % 11 == 0;
            pts[i] = inf ? G1Affine.Infinity : Bases.Points[src];
            logs[i] = inf ? Fr.Zero : Bases.Logs[src];
        }
        var s = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        Assert.True(Expected(logs, s) == Msm.Compute(pts, s));
        // the batch-affine buckets see equal points (doubling), opposite points and infinity here
        var signs = new bool[n];
        var mags = new ulong[n];
        for (int i = 0; i < n; i++) { mags[i] = (ulong)rng.Next(1, 8); signs[i] = rng.Next(2) == 0; }
        var expectedSmall = Expected(logs, Enumerable.Range(0, n).Select(i => signs[i] ? -Fr.FromUInt64(mags[i]) : Fr.FromUInt64(mags[i])).ToArray());
        for (int c = 1; c <= 4; c++)
            Assert.True(expectedSmall == Msm.Run(pts, mags, 1, signs, 3, threads: 1, window: c, batchAffineMin: 0), $"batch-affine, window {c}");

        // s·P + (−s)·P = O, and P with −P cancel through the signed buckets
        var pair = new[] { Bases.Points[3], Bases.Points[3], Bases.Points[4], Bases.Points[4].Negate() };
        Assert.True(Msm.Compute(pair, [s[0], -s[0], s[1], s[1]]).IsInfinity);
        Assert.True(Msm.ComputeSmall(pair, new long[] { 5, -5, 9, 9 }).IsInfinity);
        var small = new long[n];
        for (int i = 0; i < n; i++) small[i] = rng.Next(-1000, 1000);
        Assert.True(Expected(logs, small.Select(Fr.FromInt64).ToArray()) == Msm.ComputeSmall(pts, small));
    }

    [Fact]
    public void SmallScalarExtremesAndOverloads()
    {
        const int n = 40;
        var rng = new Random(26);
        var l = new long[n];
        for (int i = 0; i < n; i++) l[i] = (i % 4) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => -1, _ => rng.NextInt64() };
        var pts = Bases.Points.AsSpan(0, n);
        var logs = Bases.Logs.AsSpan(0, n);
        Assert.True(Expected(logs, l.Select(Fr.FromInt64).ToArray()) == Msm.ComputeSmall(pts, l));

        var i32 = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? int.MinValue + i : int.MaxValue - i).ToArray();
        Assert.True(Expected(logs, i32.Select(v => Fr.FromInt64(v)).ToArray()) == Msm.ComputeSmall(pts, i32));
        var i8 = Enumerable.Range(0, n).Select(i => (sbyte)(i * 37 - 128)).ToArray();
        Assert.True(Expected(logs, i8.Select(v => Fr.FromInt64(v)).ToArray()) == Msm.ComputeSmall(pts, i8, threads: 1));
        Assert.True(Msm.ComputeSmall(pts, new long[n]).IsInfinity);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Msm.Compute(Bases.Points.AsSpan(0, 3), new Fr[2]));
        Assert.Contains("3 bases, 2 scalars", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Msm.ComputeSmall(Bases.Points.AsSpan(0, 2), new long[2], threads: 0));
        Assert.True(Msm.Compute(ReadOnlySpan<G1Affine>.Empty, ReadOnlySpan<Fr>.Empty).IsInfinity);
    }

    [Fact]
    public void WindowCostModelGrowsWithSizeAndShrinksForSmallScalars()
    {
        Assert.True(Msm.ChooseWindow(1 << 16, 254) > Msm.ChooseWindow(1 << 8, 254));
        Assert.True(Msm.ChooseWindow(1 << 16, 254) >= 10);
        Assert.Equal(1, Msm.WindowCount(8, Msm.ChooseWindow(1 << 16, 8)));
    }
    [Fact]
    public void ConcurrentMsmsOfMixedSizesShareTheScratchArraysCorrectly()
    {
        // The digit/limb scratch arrays are kept between calls (MsmScratch): calls that run at once, or that follow a
        // longer or shorter call, must each see only their own entries.
        var sizes = new[] { 1000, 3, 700, 1024, 17, 512, 999, 64 };
        var results = new bool[sizes.Length * 3];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int n = sizes[k % sizes.Length];
            var rng = new Random(100 + k);
            var pts = Bases.Points.AsSpan(0, n);
            var logs = Bases.Logs.AsSpan(0, n);
            if (k % 3 == 0)
            {
                var s = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
                results[k] = Expected(logs, s) == Msm.Compute(pts, s, threads: 1 + k % 2);
            }
            else
            {
                var s = Enumerable.Range(0, n).Select(_ => rng.NextInt64(-(1L << (k % 40 + 1)), 1L << (k % 40 + 1))).ToArray();
                results[k] = Expected(logs, s.Select(Fr.FromInt64).ToArray()) == Msm.ComputeSmall(pts, s, threads: 1 + k % 2);
            }
        });
        Assert.All(results, Assert.True);
    }

    [Fact]
    public void ScratchKeepsOnlyTheLongestArrayAtItsExactLength()
    {
        // (a type no MSM uses, so that concurrent tests do not interfere)
        var a = MsmScratch<short>.Rent(1000);
        Assert.Equal(1000, a.Length); // exact, not rounded up to 1024
        var b = MsmScratch<short>.Rent(300); // a is out: a new exact array
        Assert.Equal(300, b.Length);
        MsmScratch<short>.Return(b, b.Length);
        MsmScratch<short>.Return(a, a.Length); // longer: replaces b
        Assert.Same(a, MsmScratch<short>.Rent(10));
        MsmScratch<short>.Return(a, a.Length);
        MsmScratch<short>.Return(b, b.Length); // shorter: not kept
        Assert.Same(a, MsmScratch<short>.Rent(1000));
        var c = MsmScratch<short>.Rent(2000); // nothing kept now: exact
        Assert.Equal(2000, c.Length);
        MsmScratch<short>.Return(c, c.Length);
        Assert.Same(c, MsmScratch<short>.Rent(1500));
    }
}
