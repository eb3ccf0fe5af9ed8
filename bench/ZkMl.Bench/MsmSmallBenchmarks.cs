using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// Small and medium full-scalar MSMs (the sizes of HyperKZG's fold commitments and of the MSMs over a grouped commitment's
/// distinct values) with the windows pooled (Pooled = true, since session 29) and each window alone (false), in one process.
/// </summary>
public class MsmSmallBenchmarks
{
    [Params(552, 4416, 17000)]
    public int N { get; set; }

    [Params(false, true)]
    public bool Pooled { get; set; }

    private G1Affine[] _bases = [];
    private Fr[] _full = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _bases = BenchData.Points(rng, N);
        _full = BenchData.Scalars(rng, N);
        Msm.UsePooled = Pooled;
    }

    [GlobalCleanup]
    public void Cleanup() => Msm.UsePooled = true;

    [Benchmark] public G1Jacobian Full() => Msm.Compute(_bases, _full);
}

/// <summary>
/// The W1- and W2-like commitments of an MNIST B = 1024 proof (2^19 + 4,096 points): signed small scalars in one window
/// (2^17 relu-like, 3·2^17 9-bit, 4,096 wide) and 700 distinct skewed values (the few-distinct MSM), with the group sums formed
/// by sorting (Sorted = true, since session 29) or by the bucket accumulation (false).
/// </summary>
public class MsmSortedGroupsBenchmarks
{
    [Params(false, true)]
    public bool Sorted { get; set; }

    private G1Affine[] _bases = [];
    private long[] _small = [];
    private Fr[] _few = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        int n = (1 << 19) + 4096;
        _bases = BenchData.Points(rng, n);
        _small = new long[n];
        for (int i = 0; i < n; i++)
            _small[i] = i < 1 << 17 ? (rng.NextDouble() < 0.5 ? 0 : Math.Min(127, (long)(-Math.Log(rng.NextDouble()) * 12)))
                : i < 1 << 19 ? rng.Next(-511, 512)
                : rng.Next(1 << 14);
        var values = BenchData.Scalars(rng, 700);
        _few = new Fr[n];
        for (int i = 0; i < n; i++) _few[i] = i % 3 == 0 ? values[0] : values[Math.Min(699, (int)(-Math.Log(rng.NextDouble()) * 60))];
        Msm.UseSortedGroups = Sorted;
    }

    [GlobalCleanup]
    public void Cleanup() => Msm.UseSortedGroups = true;

    [Benchmark] public G1Jacobian SmallScalars() => Msm.ComputeSmall(_bases, _small);

    [Benchmark] public G1Jacobian FewDistinct() => Msm.TryComputeFewDistinct(_bases, _few, _few.Length / 2, out var r) ? r : G1Jacobian.Infinity;
}

/// <summary>Fq inversion: the constant-time Fermat inverse and the variable-time one of the group arithmetic (session 29).</summary>
public class FqInverseBenchmarks
{
    private Fq _a;

    [GlobalSetup]
    public void Setup() => _a = Fq.FromBigInteger(new System.Numerics.BigInteger(new Random(7).NextInt64()) * 1_000_003 + 17);

    [Benchmark(Baseline = true)] public Fq Fermat() { Fq.Inverse(_a, out var r); return r; }

    [Benchmark] public Fq Vartime() { Fq.InverseVartime(_a, out var r); return r; }
}
