using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// MSM over G1 with full 254-bit scalars (plain, and over a <see cref="FixedBaseTable"/> of the bases as
/// the prover uses for the SRS powers), full scalars with 4096 distinct values (<see cref="Msm.TryComputeFewDistinct"/>,
/// the LogUp helper commitment), and 32-bit and 8-bit signed scalars, on one thread and on all
/// threads. Bases are distinct multiples of the generator.
/// </summary>
public class MsmBenchmarks
{
    [Params(12, 16, 18)]
    public int LogN { get; set; }

    [Params(1, 0)] // 0 = all threads
    public int Threads { get; set; }

    private G1Affine[] _bases = [];
    private Fr[] _full = [], _few = [];
    private long[] _s32 = [], _s8 = [];
    private FixedBaseTable? _table;

    [GlobalSetup]
    public void Setup()
    {
        int n = 1 << LogN;
        var rng = new Random(3);
        _bases = BenchData.Points(rng, n);
        _full = BenchData.Scalars(rng, n);
        var values = BenchData.Scalars(rng, 4096);
        _few = Enumerable.Range(0, n).Select(_ => values[rng.Next(values.Length)]).ToArray();
        _s32 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(int.MinValue, int.MaxValue)).ToArray();
        _s8 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        _table = FixedBaseTable.Build(_bases);
    }

    private int? T => Threads == 0 ? null : Threads;

    [Benchmark] public G1Jacobian Full() => Msm.Compute(_bases, _full, T);
    [Benchmark] public G1Jacobian FullFixedBaseTable() => Msm.Compute(_table!, _full, T);
    [Benchmark] public G1Jacobian FullFewDistinct() => Msm.TryComputeFewDistinct(_bases, _few, _few.Length, out var r, T) ? r : throw new InvalidOperationException();
    [Benchmark] public G1Jacobian Signed32() => Msm.ComputeSmall(_bases, _s32, T);
    [Benchmark] public G1Jacobian Signed8() => Msm.ComputeSmall(_bases, _s8, T);
}
