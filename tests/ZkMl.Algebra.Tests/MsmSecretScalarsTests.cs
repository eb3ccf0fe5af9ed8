namespace ZkMl.Algebra.Tests;

/// <summary>Runs alone: it inspects the MSM's shared scratch arrays, which concurrent MSMs of other tests would replace.</summary>
[CollectionDefinition("msm scratch", DisableParallelization = true)]
public class MsmScratchCollection;

/// <summary><see cref="Msm.SecretScalars"/>: the MSM's scratch buffers derived from secret scalars are zeroed after use.</summary>
[Collection("msm scratch")]
public class MsmSecretScalarsTests
{
    [Fact]
    public void Return_zeroes_the_used_entries_only_inside_the_scope()
    {
        // (short: a type no MSM uses)
        var a = MsmScratch<short>.Rent(800);
        for (int i = 0; i < a.Length; i++) a[i] = (short)(i + 1);
        MsmScratch<short>.Return(a, 500);
        var kept = MsmScratch<short>.Rent(800);
        Assert.Same(a, kept);
        Assert.Equal(1, kept[0]); // outside the scope nothing is cleared (the control)
        using (Msm.SecretScalars())
        {
            MsmScratch<short>.Return(kept, 500);
            var again = MsmScratch<short>.Rent(800);
            Assert.Same(a, again);
            Assert.All(again.AsSpan(0, 500).ToArray(), v => Assert.Equal(0, v));
            Assert.Equal(501, again[500]); // beyond what the caller used: untouched
            MsmScratch<short>.Return(again, again.Length);
        }
        Assert.False(Msm.SecretScalarsActive);
    }

    [Fact]
    public void The_scope_nests_and_flows_into_parallel_work()
    {
        Assert.False(Msm.SecretScalarsActive);
        using (Msm.SecretScalars())
        {
            using (Msm.SecretScalars()) Assert.True(Msm.SecretScalarsActive);
            Assert.True(Msm.SecretScalarsActive);
            var seen = new bool[8];
            Parallel.For(0, seen.Length, i => seen[i] = Msm.SecretScalarsActive);
            Assert.All(seen, Assert.True);
        }
        Assert.False(Msm.SecretScalarsActive);
    }

    [Fact]
    public void An_msm_in_the_scope_leaves_no_limbs_or_digits_of_its_scalars()
    {
        var rng = new Random(5);
        int n = 600;
        var pts = Enumerable.Range(1, n).Select(i => G1Jacobian.Generator.ScalarMul(Fr.FromInt64(i)).ToAffine()).ToArray();
        var s = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        bool AnyNonZero<T>(int used) where T : unmanaged, IEquatable<T>
        {
            var kept = MsmScratch<T>.Rent(used);
            bool any = kept.AsSpan(0, used).ToArray().Any(v => !v.Equals(default));
            MsmScratch<T>.Return(kept, 0);
            return any;
        }
        // Control: outside the scope the kept arrays still hold the scalars' limbs and digits.
        var expected = Msm.Compute(pts, s, threads: 1);
        Assert.True(AnyNonZero<ulong>(4 * n));
        Assert.True(AnyNonZero<int>(n));
        using (Msm.SecretScalars())
        {
            Assert.Equal(expected, Msm.Compute(pts, s, threads: 1));
            Assert.False(AnyNonZero<ulong>(4 * n));
            Assert.False(AnyNonZero<int>(n));
            var small = Enumerable.Range(0, n).Select(_ => rng.NextInt64(-1000, 1000)).ToArray();
            Msm.ComputeSmall(pts, small, threads: 1);
            Assert.False(AnyNonZero<ulong>(n));
        }
    }
}
