using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// <c>MsmBenchmarks.Full</c> (full 254-bit scalars, distinct bases) with the batch-affine additions' products on the scalar
/// path (VectorFlush = false: the code before the eight-lane kernel) and on the eight-lane path (true), in one process so
/// the two alternate under the same machine load. Without AVX-512 the eight-lane path runs eight independent scalar products
/// per step (FqBatch.Mul8Scalar, since session 24), so the rows still differ.
/// </summary>
public class MsmVectorFlushBenchmarks
{
    [Params(16, 18)]
    public int LogN { get; set; }

    [Params(1, 0)] // 0 = all threads
    public int Threads { get; set; }

    [Params(false, true)]
    public bool VectorFlush { get; set; }

    private G1Affine[] _bases = [];
    private Fr[] _full = [];

    [GlobalSetup]
    public void Setup()
    {
        int n = 1 << LogN;
        var rng = new Random(3); // as MsmBenchmarks
        _bases = BenchData.Points(rng, n);
        _full = BenchData.Scalars(rng, n);
        Msm.UseVectorFlush = VectorFlush;
    }

    [GlobalCleanup]
    public void Cleanup() => Msm.UseVectorFlush = true;

    [Benchmark] public G1Jacobian Full() => Msm.Compute(_bases, _full, Threads == 0 ? null : Threads);
}
